-- Email verification and password reset. EmailVerifiedAt is when the user
-- proved they read the account's mailbox (NULL: not yet). EmailTokens holds
-- each emailed token by the SHA-256 of its secret (the token itself is only
-- in the email), for the address it was sent to, until it is used or
-- expires; not interleaved (it is looked up by hash), removed with the
-- account, kept a day after expiry.
ALTER TABLE Users ADD COLUMN EmailVerifiedAt TIMESTAMP OPTIONS (allow_commit_timestamp=true);

CREATE TABLE EmailTokens (
  TokenHash BYTES(32) NOT NULL,
  UserId STRING(36) NOT NULL,
  Purpose STRING(20) NOT NULL,
  Email STRING(254) NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  ExpiresAt TIMESTAMP NOT NULL,
  UsedAt TIMESTAMP OPTIONS (allow_commit_timestamp=true),
  CONSTRAINT EmailTokensPurposeKnown CHECK (Purpose IN ('verify_email', 'reset_password')),
) PRIMARY KEY (TokenHash),
  ROW DELETION POLICY (OLDER_THAN(ExpiresAt, INTERVAL 1 DAY));

CREATE INDEX EmailTokensByUser ON EmailTokens (UserId, Purpose, CreatedAt DESC);
