-- Users of Kwipper. Email is stored normalised (trimmed, lower-case) and is
-- unique; roles are "tutor" and/or "learner".
CREATE TABLE Users (
  UserId STRING(36) NOT NULL,
  Email STRING(254) NOT NULL,
  PasswordHash STRING(255) NOT NULL,
  DisplayName STRING(100) NOT NULL,
  Roles ARRAY<STRING(20)> NOT NULL,
  Country STRING(2) NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (UserId);

CREATE UNIQUE INDEX UsersByEmail ON Users (Email);
