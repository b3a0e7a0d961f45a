-- The version (user-events' "version") of the latest user event applied to a
-- tutor's profile, so an older rename arriving late changes nothing; NULL
-- for profiles from events without one.
ALTER TABLE TutorProfiles ADD COLUMN EventVersion INT64;
