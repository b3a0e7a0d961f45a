-- Saga steps a participant ran, with the reply it sent (see shared/saga):
-- written in the transaction of the step's effect, so a redelivered command
-- gets the stored reply again instead of running twice. The participants'
-- own migrations created this table before it moved here; IF NOT EXISTS makes
-- this a no-op on those databases.
CREATE TABLE IF NOT EXISTS SagaSteps (
  SagaId STRING(36) NOT NULL,
  Step STRING(40) NOT NULL,
  Kind STRING(8) NOT NULL,
  Reply BYTES(MAX) NOT NULL,
  ProcessedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (SagaId, Step, Kind)
