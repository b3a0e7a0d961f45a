-- Log-in sessions: one per log in on a device, the family of its refresh
-- tokens. Generation is that of the current refresh token; a token of an
-- older generation presented again (reuse: a stolen copy) revokes the
-- session. A session lives RefreshTTL after its latest refresh (sliding).
CREATE TABLE Sessions (
  UserId STRING(36) NOT NULL,
  SessionId STRING(36) NOT NULL,
  Generation INT64 NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  RefreshedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  ExpiresAt TIMESTAMP NOT NULL,
  RevokedAt TIMESTAMP OPTIONS (allow_commit_timestamp=true),
  RevokedReason STRING(40),
) PRIMARY KEY (UserId, SessionId),
  INTERLEAVE IN PARENT Users ON DELETE CASCADE,
  ROW DELETION POLICY (OLDER_THAN(ExpiresAt, INTERVAL 1 DAY));

-- Every refresh token a session issued, by the SHA-256 of its secret (the
-- token itself is never stored), so a reused old one is recognised.
CREATE TABLE RefreshTokens (
  UserId STRING(36) NOT NULL,
  SessionId STRING(36) NOT NULL,
  TokenHash BYTES(32) NOT NULL,
  Generation INT64 NOT NULL,
  ExpiresAt TIMESTAMP NOT NULL,
) PRIMARY KEY (UserId, SessionId, TokenHash),
  INTERLEAVE IN PARENT Sessions ON DELETE CASCADE,
  ROW DELETION POLICY (OLDER_THAN(ExpiresAt, INTERVAL 1 DAY));

-- Revocations every verifier must learn before the access tokens they cover
-- expire (GET /v1/token-revocations, shared/auth RemoteRevocations): a
-- session revoked by a password change, log out everywhere or reuse; an
-- empty SessionId covers every token of the user (a deleted account). Not
-- interleaved: it outlives the user. Served for the access-token lifetime,
-- kept a day.
CREATE TABLE TokenRevocations (
  UserId STRING(36) NOT NULL,
  SessionId STRING(36) NOT NULL,
  RevokedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  Reason STRING(40) NOT NULL,
) PRIMARY KEY (UserId, SessionId),
  ROW DELETION POLICY (OLDER_THAN(RevokedAt, INTERVAL 1 DAY));

CREATE INDEX TokenRevocationsByTime ON TokenRevocations (RevokedAt);
