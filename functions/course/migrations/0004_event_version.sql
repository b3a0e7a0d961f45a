-- EventVersion numbers the course's events (course-events), the course's and
-- its items' alike: 1 for course.created, one more for each event after. A
-- consumer keeps the version it applied and ignores an older event that
-- arrives late (Pub/Sub does not keep order). 0 for a course created before
-- events were numbered.
ALTER TABLE Courses ADD COLUMN EventVersion INT64 NOT NULL DEFAULT (0);
