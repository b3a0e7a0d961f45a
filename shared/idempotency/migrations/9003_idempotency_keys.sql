-- Idempotency-Key records (shared/idempotency): the first answer to a
-- creating request, replayed to a retry with the same key and body. A row is
-- "running" while its request runs and "done" with the answer after; it is
-- kept 24 hours (Stripe's window), then Spanner's row deletion removes it.
CREATE TABLE IdempotencyKeys (
  Scope STRING(200) NOT NULL,
  IdemKey STRING(255) NOT NULL,
  RequestHash BYTES(32) NOT NULL,
  State STRING(8) NOT NULL,
  Status INT64,
  Response BYTES(MAX),
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (Scope, IdemKey),
  ROW DELETION POLICY (OLDER_THAN(CreatedAt, INTERVAL 1 DAY))
