-- How many live subscriptions a course has, kept by the subscribe saga's
-- course-update-info step and its compensation (course-revert-info).
ALTER TABLE Courses ADD COLUMN SubscriberCount INT64 NOT NULL DEFAULT (0);

-- This migration also created the saga participant's SagaSteps table until
-- the table moved to the platform's 9002 migration (shared/saga). Databases
-- migrated before keep the table this file made then, and 9002 (CREATE TABLE
-- IF NOT EXISTS) changes nothing there; new databases get it from 9002.

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
