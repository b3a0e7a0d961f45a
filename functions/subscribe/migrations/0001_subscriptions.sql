-- Learners' subscriptions to courses. Status is pending while the saga runs,
-- then active, failed (ReasonCode and Reason say why) or ended. Price,
-- PaymentId and the period are set by the saga's subscribe step.
CREATE TABLE Subscriptions (
  SubscriptionId STRING(36) NOT NULL,
  UserId STRING(36) NOT NULL,
  CourseId STRING(36) NOT NULL,
  Status STRING(16) NOT NULL,
  ReasonCode STRING(40),
  Reason STRING(300),
  PriceAmount INT64,
  Currency STRING(3),
  PaymentId STRING(64),
  PeriodStart TIMESTAMP,
  PeriodEnd TIMESTAMP,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  ActivatedAt TIMESTAMP OPTIONS (allow_commit_timestamp=true),
  EndedAt TIMESTAMP OPTIONS (allow_commit_timestamp=true),
  CONSTRAINT SubscriptionsStatusKnown CHECK (Status IN ('pending', 'active', 'failed', 'ended')),
) PRIMARY KEY (SubscriptionId);

-- A learner's subscriptions, newest first.
CREATE INDEX SubscriptionsByUser ON Subscriptions (UserId, CreatedAt DESC);

-- At most one live (pending or active) subscription per learner and course:
-- inserted with the subscription, deleted when it fails or ends.
CREATE TABLE LiveSubscriptions (
  UserId STRING(36) NOT NULL,
  CourseId STRING(36) NOT NULL,
  SubscriptionId STRING(36) NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (UserId, CourseId);

-- The orchestrator's state of each saga (SagaId is the subscription id):
-- State is the JSON of subscribe.State. Open is TRUE while the saga runs and
-- NULL when it is done, so the null-filtered index holds only open sagas and
-- the sweeper finds the overdue ones (DeadlineAt passed) cheaply.
CREATE TABLE Sagas (
  SagaId STRING(36) NOT NULL,
  State BYTES(MAX) NOT NULL,
  Phase STRING(16) NOT NULL,
  Open BOOL,
  DeadlineAt TIMESTAMP NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (SagaId);

CREATE NULL_FILTERED INDEX SagasOpen ON Sagas (Open, DeadlineAt);

-- This migration also created the saga participant's SagaSteps table until
-- the table moved to the platform's 9002 migration (shared/saga). Databases
-- migrated before keep the table this file made then, and 9002 (CREATE TABLE
-- IF NOT EXISTS) changes nothing there; new databases get it from 9002.
