-- Recurring billing (see renewal.go). Anchor and BillingInterval fix every
-- period end (billingcal); Period is the index of the period paid for last;
-- DueAt is when the billing cycle next acts (period end or dunning retry),
-- NULL once the subscription ended, so the null-filtered due index holds only
-- live subscriptions. Shard = ShardOf(SubscriptionId) leads the index so the
-- cycle's writes spread over shards instead of one monotonic time range.
ALTER TABLE Subscriptions ADD COLUMN Anchor TIMESTAMP;
ALTER TABLE Subscriptions ADD COLUMN BillingInterval STRING(8);
ALTER TABLE Subscriptions ADD COLUMN Period INT64;
ALTER TABLE Subscriptions ADD COLUMN Failures INT64;
ALTER TABLE Subscriptions ADD COLUMN CancelAtPeriodEnd BOOL;
ALTER TABLE Subscriptions ADD COLUMN DueAt TIMESTAMP;
ALTER TABLE Subscriptions ADD COLUMN Shard INT64;

CREATE NULL_FILTERED INDEX SubscriptionsDue ON Subscriptions (Shard, DueAt);

ALTER TABLE Subscriptions DROP CONSTRAINT SubscriptionsStatusKnown;
ALTER TABLE Subscriptions ADD CONSTRAINT SubscriptionsStatusKnown CHECK (Status IN ('pending', 'active', 'past_due', 'failed', 'ended'));

-- One row per renewal charge attempt, written (charging) before the charge
-- is asked of Billing and settled with its outcome: a shard processed twice,
-- or resumed after dying, finds the attempt here and never starts another.
CREATE TABLE Renewals (
  SubscriptionId STRING(36) NOT NULL,
  RenewalKey STRING(64) NOT NULL,
  Period INT64 NOT NULL,
  Attempt INT64 NOT NULL,
  PeriodStart TIMESTAMP NOT NULL,
  Status STRING(24) NOT NULL,
  Code STRING(64),
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (SubscriptionId, RenewalKey),
  INTERLEAVE IN PARENT Subscriptions ON DELETE CASCADE;
