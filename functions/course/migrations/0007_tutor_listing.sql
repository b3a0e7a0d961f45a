-- A tutor's own courses, drafts included, newest first, for keyset
-- pagination (GET /v1/tutors/me/courses).
CREATE INDEX CoursesByTutorCreated ON Courses (TutorId, CreatedAt DESC, CourseId);
