-- Adaptive streaming of video items. Each accepted video upload gets an HLS
-- ladder made by a transcoding job (the Transcoder API, or ffmpeg locally),
-- written under OutputPrefix (the upload's object name + ".hls/"). Status is
-- processing, ready or failed (Reason says why); JobName is the job's, set
-- once the job is submitted (NULL until then: the relay submits again).
-- Outputs is what the finished job wrote (renditions with measured
-- bandwidths, duration, first PTS: JSON), kept to re-render the master
-- playlist when captions change.
CREATE TABLE Streams (
  UploadId STRING(36) NOT NULL,
  CourseId STRING(36) NOT NULL,
  ItemId STRING(36) NOT NULL,
  OutputPrefix STRING(1024) NOT NULL,
  JobName STRING(1024),
  Status STRING(16) NOT NULL,
  Reason STRING(MAX),
  Outputs STRING(MAX),
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  FinishedAt TIMESTAMP OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (UploadId);

-- A job's notification names the job only.
CREATE INDEX StreamsByJob ON Streams (JobName);

-- An item's streaming: StreamUploadId is the upload whose ladder serves (it
-- changes only when a newer upload's ladder is ready); StreamStatus is the
-- state of the ladder of the upload the item serves (processing, ready,
-- failed with StreamReason). NULL for items without a video upload since.
ALTER TABLE Items ADD COLUMN StreamUploadId STRING(36);
ALTER TABLE Items ADD COLUMN StreamStatus STRING(16);
ALTER TABLE Items ADD COLUMN StreamReason STRING(MAX);
