-- The version (course-events' "version") of the latest Course service event
-- applied to the course's row and to each item's, so an older event that
-- arrives late changes nothing. NULL for rows from events without one.
ALTER TABLE Courses ADD COLUMN EventVersion INT64;
ALTER TABLE Items ADD COLUMN CourseEventVersion INT64;
