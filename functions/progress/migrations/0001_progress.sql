-- The projection of courses from the Course service's events (course-events):
-- who owns a course, its title, and how many items the Course service
-- counted at EventVersion (the latest course event applied), so a course
-- whose item_added events have not all arrived yet cannot look complete.
CREATE TABLE Courses (
  CourseId STRING(36) NOT NULL,
  TutorId STRING(36) NOT NULL,
  Title STRING(MAX) NOT NULL,
  Status STRING(16) NOT NULL,
  ItemCount INT64 NOT NULL,
  EventVersion INT64,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (CourseId);

-- The projection of a course's items: kind and title, and the course's tutor
-- (so what a report needs of the course is one point read, which the service
-- caches). Seq is the course event
-- version that first brought the item (items list in the order they were
-- added). A removed item stays as a tombstone (Removed) so a late event
-- cannot bring it back; it no longer counts towards the course.
CREATE TABLE Items (
  CourseId STRING(36) NOT NULL,
  ItemId STRING(36) NOT NULL,
  TutorId STRING(36) NOT NULL,
  Kind STRING(8) NOT NULL,
  Title STRING(MAX) NOT NULL,
  Removed BOOL NOT NULL,
  Seq INT64 NOT NULL,
  EventVersion INT64,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (CourseId, ItemId),
  INTERLEAVE IN PARENT Courses ON DELETE CASCADE;

-- One row per learner and course they have a subscription to or reported
-- progress on: whether they hold an active subscription (Entitled, from the
-- Entitlements below), the server time of their latest applied report (NULL:
-- none yet) and when their completion of the course was announced
-- (progress.course_completed, once). Course progress itself is computed at
-- read time from the Progress rows below; nothing here counts. Everything a
-- report reads and writes is under this row, in the learner's key range:
-- one split, so a report's transaction has one participant.
CREATE TABLE LearnerCourses (
  UserId STRING(36) NOT NULL,
  CourseId STRING(36) NOT NULL,
  Entitled BOOL NOT NULL DEFAULT (FALSE),
  LastActivityAt TIMESTAMP,
  CompletedAt TIMESTAMP,
) PRIMARY KEY (UserId, CourseId);

-- The entitlement projection from subscription-events, one row per
-- subscription, under the learner's course row: a report checks access in
-- its own transaction by reading this key range. Active until
-- subscription.ended (an ended subscription never comes back: a new
-- subscription has a new id). ActivatedAt is when the activation was applied
-- (NULL when the end arrived first).
CREATE TABLE Entitlements (
  UserId STRING(36) NOT NULL,
  CourseId STRING(36) NOT NULL,
  SubscriptionId STRING(36) NOT NULL,
  Active BOOL NOT NULL,
  ActivatedAt TIMESTAMP OPTIONS (allow_commit_timestamp=true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (UserId, CourseId, SubscriptionId),
  INTERLEAVE IN PARENT LearnerCourses ON DELETE CASCADE;

-- A learner's progress on one item, interleaved in LearnerCourses so one
-- learner's rows for one course are one key range (UserIds are random UUIDs:
-- writes spread over splits, no hot row per course). ClientTime is the client
-- timestamp of the report applied last (last writer wins by it). Video rows
-- keep the last position, the duration reported with it, and the watched
-- spans (Watched: [from1, to1, from2, to2, ...] seconds, merged) that
-- WatchedSeconds sums; text and file rows keep zeros. CompletedAt is set once,
-- by the report that completed the item (progress.item_completed), and never
-- cleared. Entitled is a copy of LearnerCourses.Entitled, kept in step by the
-- subscription consumer in the transaction that changes it, so a report
-- checks access and reads its row in one point read.
CREATE TABLE Progress (
  UserId STRING(36) NOT NULL,
  CourseId STRING(36) NOT NULL,
  ItemId STRING(36) NOT NULL,
  Kind STRING(8) NOT NULL,
  PositionSeconds FLOAT64 NOT NULL,
  DurationSeconds FLOAT64 NOT NULL,
  Watched ARRAY<FLOAT64> NOT NULL,
  WatchedSeconds FLOAT64 NOT NULL,
  ClientTime TIMESTAMP NOT NULL,
  CreatedAt TIMESTAMP NOT NULL,
  UpdatedAt TIMESTAMP NOT NULL,
  CompletedAt TIMESTAMP,
  Entitled BOOL NOT NULL DEFAULT (FALSE),
) PRIMARY KEY (UserId, CourseId, ItemId),
  INTERLEAVE IN PARENT LearnerCourses ON DELETE CASCADE;
