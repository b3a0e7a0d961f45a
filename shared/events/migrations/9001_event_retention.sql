-- Published events and the record of handled ones are kept 30 days, then
-- Spanner's row deletion (TTL) removes them. Thirty days is well beyond
-- Pub/Sub redelivery (7 days), Stripe's webhook retries (3 days) and the
-- events a restore replays (kwipper restore --replay-events, 24h). Rows still
-- pending have no PublishedAt and are kept.
ALTER TABLE Outbox ADD ROW DELETION POLICY (OLDER_THAN(PublishedAt, INTERVAL 30 DAY));
ALTER TABLE ProcessedEvents ADD ROW DELETION POLICY (OLDER_THAN(ProcessedAt, INTERVAL 30 DAY));
