-- Ladders to delete: every object under Prefix (an upload's output prefix,
-- "<object>.hls/") of a ladder a newer upload's ladder replaced. Recorded in
-- the transaction that makes the new one serve, with DeleteAfter = then +
-- the grace during which a player that loaded the old master may still
-- fetch its segments; deleted once due (after commit when there is no
-- grace, else by the relay), and the row removed after that.
CREATE TABLE LadderDeletions (
  Prefix STRING(1024) NOT NULL,
  UploadId STRING(36) NOT NULL,
  DeleteAfter TIMESTAMP NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (Prefix);

-- The relay looks for the due ones.
CREATE INDEX LadderDeletionsByDue ON LadderDeletions (DeleteAfter);
