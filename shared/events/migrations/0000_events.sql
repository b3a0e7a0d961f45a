-- The transactional outbox: events written with the change that caused them.
CREATE TABLE Outbox (
  EventId STRING(36) NOT NULL,
  Topic STRING(255) NOT NULL,
  Type STRING(255) NOT NULL,
  Data BYTES(MAX) NOT NULL,
  Traceparent STRING(64),
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  Pending BOOL,
  LeaseUntil TIMESTAMP,
  Attempts INT64 NOT NULL,
  PublishedAt TIMESTAMP OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (EventId);
CREATE NULL_FILTERED INDEX OutboxPending ON Outbox (Pending, CreatedAt);
-- Events each consumer has handled, written with the handler's effect.
CREATE TABLE ProcessedEvents (
  Consumer STRING(100) NOT NULL,
  EventId STRING(36) NOT NULL,
  ProcessedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (Consumer, EventId);
