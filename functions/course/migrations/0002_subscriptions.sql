-- How many live subscriptions a course has, kept by the subscribe saga's
-- course-update-info step and its compensation (course-revert-info).
ALTER TABLE Courses ADD COLUMN SubscriberCount INT64 NOT NULL DEFAULT (0);

-- Saga steps this service ran, with the reply it sent (see functions/subscribe/saga).
CREATE TABLE SagaSteps (
  SagaId STRING(36) NOT NULL,
  Step STRING(40) NOT NULL,
  Kind STRING(8) NOT NULL,
  Reply BYTES(MAX) NOT NULL,
  ProcessedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (SagaId, Step, Kind);

-- Who may read a course's content: the projection of the Subscribe service's
-- subscription-events (course-on-subscription-event). A row per subscription;
-- Active turns false when it ends and never back, so the order events arrive
-- in does not matter.
CREATE TABLE Entitlements (
  CourseId STRING(36) NOT NULL,
  UserId STRING(36) NOT NULL,
  SubscriptionId STRING(36) NOT NULL,
  Active BOOL NOT NULL,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (CourseId, UserId, SubscriptionId);
