-- Captions of a video item, one WebVTT file per language (a BCP 47 tag in
-- canonical case, e.g. id, ja, en-PH, es-419), as the tutor uploaded it
-- (it passed stream.ValidateVTT). They belong to the item, not to an
-- upload: each ladder that becomes ready gets them written under its prefix
-- and listed in its master playlist.
CREATE TABLE Captions (
  CourseId STRING(36) NOT NULL,
  ItemId STRING(36) NOT NULL,
  Language STRING(35) NOT NULL,
  Vtt STRING(MAX) NOT NULL,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (CourseId, ItemId, Language),
  INTERLEAVE IN PARENT Items ON DELETE CASCADE;
