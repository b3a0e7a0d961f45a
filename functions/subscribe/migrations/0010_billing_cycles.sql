-- What each billing cycle did, for the operator who ran it (kwipper
-- billing-cycle prints it): the cycle's row is written when the tick is
-- split into shard jobs; each shard writes its counts when it has renewed
-- everything due; each renewal attempt names the cycle that started it and,
-- once settled, what it did to the subscription (renewed, past_due,
-- action_required, ended).
CREATE TABLE BillingCycles (
  AsOf TIMESTAMP NOT NULL,
  Shards INT64 NOT NULL,
  SplitAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (AsOf);

CREATE TABLE BillingCycleShards (
  AsOf TIMESTAMP NOT NULL,
  Shard INT64 NOT NULL,
  Due INT64 NOT NULL,
  Charging INT64 NOT NULL,
  Ended INT64 NOT NULL,
  DoneAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (AsOf, Shard),
  INTERLEAVE IN PARENT BillingCycles ON DELETE CASCADE;

ALTER TABLE Renewals ADD COLUMN CycleAsOf TIMESTAMP;
ALTER TABLE Renewals ADD COLUMN Outcome STRING(32);

CREATE NULL_FILTERED INDEX RenewalsByCycle ON Renewals (CycleAsOf) STORING (Status, Outcome);
