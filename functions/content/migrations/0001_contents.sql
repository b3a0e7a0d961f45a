-- The projection of courses from the Course service's events (course-events):
-- who owns a course, and its status. No service reads another's database.
CREATE TABLE Courses (
  CourseId STRING(36) NOT NULL,
  TutorId STRING(36) NOT NULL,
  Status STRING(16) NOT NULL,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (CourseId);

-- The projection of a course's items (kind, title and, for text items, the
-- body) and each item's content state, which this service owns:
-- ContentStatus is "awaiting_upload", "ready" or "rejected" (text: "ready");
-- ReadyUploadId is the upload whose object serves, ActiveUploadId the upload
-- in progress. ContentVersion counts content events of the item. A removed
-- item stays as a tombstone (Removed) so a late event cannot bring it back.
CREATE TABLE Items (
  CourseId STRING(36) NOT NULL,
  ItemId STRING(36) NOT NULL,
  Kind STRING(8) NOT NULL,
  Title STRING(200) NOT NULL,
  Body STRING(MAX),
  Removed BOOL NOT NULL,
  ContentStatus STRING(20) NOT NULL,
  ReadyUploadId STRING(36),
  ActiveUploadId STRING(36),
  ContentVersion INT64 NOT NULL,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (CourseId, ItemId),
  INTERLEAVE IN PARENT Courses ON DELETE CASCADE;

-- Every upload URL issued, one object each (ObjectName), with what the tutor
-- declared and what became of it: Status is pending, ready, rejected,
-- expired, replaced or removed; Reason says why an object was rejected.
-- Generation is the object's once it finalized.
CREATE TABLE Uploads (
  UploadId STRING(36) NOT NULL,
  CourseId STRING(36) NOT NULL,
  ItemId STRING(36) NOT NULL,
  TutorId STRING(36) NOT NULL,
  ObjectName STRING(1024) NOT NULL,
  ContentType STRING(255) NOT NULL,
  Size INT64 NOT NULL,
  Sha256 STRING(64),
  Crc32c STRING(12),
  FileName STRING(MAX) NOT NULL,
  Resumable BOOL NOT NULL,
  Status STRING(16) NOT NULL,
  Reason STRING(MAX),
  Generation INT64,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  ExpiresAt TIMESTAMP NOT NULL,
  FinishedAt TIMESTAMP OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (UploadId);

-- An item's uploads, newest first.
CREATE INDEX UploadsByItem ON Uploads (CourseId, ItemId, CreatedAt DESC);

-- Objects to delete, recorded in the transaction that decides it; the object
-- is deleted after commit and the row removed after that, and the relay
-- retries what is left (Generation 0: the live object, whatever generation).
CREATE TABLE ObjectDeletions (
  ObjectName STRING(1024) NOT NULL,
  Generation INT64 NOT NULL,
  Reason STRING(MAX) NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (ObjectName, Generation);

-- The entitlement projection from subscription-events: one row per
-- subscription; Active until subscription.ended (an ended subscription never
-- comes back: a new subscription has a new id).
CREATE TABLE Entitlements (
  SubscriptionId STRING(64) NOT NULL,
  UserId STRING(36) NOT NULL,
  CourseId STRING(36) NOT NULL,
  Active BOOL NOT NULL,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (SubscriptionId);

-- "May this user see this course?" reads this index alone.
CREATE INDEX EntitlementsByUserCourse ON Entitlements (UserId, CourseId) STORING (Active);
