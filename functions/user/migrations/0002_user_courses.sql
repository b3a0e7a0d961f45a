-- The courses a learner is subscribed to, written by the subscribe saga's
-- user-update-info step (one row per subscription) and removed by its
-- compensation.
CREATE TABLE UserCourses (
  UserId STRING(36) NOT NULL,
  CourseId STRING(36) NOT NULL,
  SubscriptionId STRING(36) NOT NULL,
  CourseTitle STRING(200) NOT NULL,
  AddedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (UserId, SubscriptionId),
  INTERLEAVE IN PARENT Users ON DELETE CASCADE;

-- This migration also created the saga participant's SagaSteps table until
-- the table moved to the platform's 9002 migration (shared/saga). Databases
-- migrated before keep the table this file made then, and 9002 (CREATE TABLE
-- IF NOT EXISTS) changes nothing there; new databases get it from 9002.
