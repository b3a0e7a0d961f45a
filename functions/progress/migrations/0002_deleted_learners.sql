-- Learners whose account was deleted (user.deleted): their rows are gone,
-- and a subscription event that arrives after (the Subscribe service ends
-- the account's subscriptions at the same time) must not bring any back.
CREATE TABLE DeletedLearners (
  UserId STRING(36) NOT NULL,
  DeletedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (UserId);
