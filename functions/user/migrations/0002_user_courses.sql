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

-- Saga steps this service ran, with the reply it sent (see functions/subscribe/saga).
CREATE TABLE SagaSteps (
  SagaId STRING(36) NOT NULL,
  Step STRING(40) NOT NULL,
  Kind STRING(8) NOT NULL,
  Reply BYTES(MAX) NOT NULL,
  ProcessedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (SagaId, Step, Kind);
