-- Password guessing per account: failed logins since the last success, and
-- until when the account refuses logins after too many (NULL: not locked).
ALTER TABLE Users ADD COLUMN FailedLogins INT64;
ALTER TABLE Users ADD COLUMN LockedUntil TIMESTAMP;
