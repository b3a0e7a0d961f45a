-- The Content service's content events (course-on-content-event) set an
-- item's ContentStatus: "awaiting_upload", "ready" or "rejected" (the last
-- upload was rejected and nothing serves). ContentVersion is the version of
-- the latest content event applied, so an older one arriving late changes
-- nothing; NULL before the first.
ALTER TABLE CourseItems ADD COLUMN ContentVersion INT64;
