-- Courses tutors offer. Price is PriceAmount minor units of Currency per
-- BillingInterval ("month" or "year"). Status is "draft" or "published";
-- PublishedAt is the commit time of the latest publish and NULL while draft.
-- ItemCount is kept equal to the number of the course's CourseItems rows.
CREATE TABLE Courses (
  CourseId STRING(36) NOT NULL,
  TutorId STRING(36) NOT NULL,
  Title STRING(200) NOT NULL,
  Description STRING(5000) NOT NULL,
  PriceAmount INT64 NOT NULL,
  Currency STRING(3) NOT NULL,
  BillingInterval STRING(8) NOT NULL,
  Status STRING(16) NOT NULL,
  ItemCount INT64 NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  PublishedAt TIMESTAMP OPTIONS (allow_commit_timestamp=true),
  CONSTRAINT CoursesPricePositive CHECK (PriceAmount > 0),
  CONSTRAINT CoursesStatusKnown CHECK (Status IN ('draft', 'published')),
) PRIMARY KEY (CourseId);

-- A tutor's courses.
CREATE INDEX CoursesByTutor ON Courses (TutorId);

-- The catalog: published courses newest first, ties broken by id, for keyset
-- pagination. It stores what a catalog page shows, so a page reads the index
-- alone.
CREATE INDEX CoursesByCatalog ON Courses (Status, PublishedAt DESC, CourseId)
  STORING (TutorId, Title, Description, PriceAmount, Currency, BillingInterval, ItemCount, CreatedAt, UpdatedAt);

-- The items of a course, stored with it. Position is 1..n without gaps. Body
-- holds a text item's content and is NULL for video and file items, whose
-- content the Content service keeps; ContentStatus is "ready" or
-- "awaiting_upload".
CREATE TABLE CourseItems (
  CourseId STRING(36) NOT NULL,
  ItemId STRING(36) NOT NULL,
  Position INT64 NOT NULL,
  Kind STRING(8) NOT NULL,
  Title STRING(200) NOT NULL,
  Body STRING(MAX),
  ContentStatus STRING(20) NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (CourseId, ItemId),
  INTERLEAVE IN PARENT Courses ON DELETE CASCADE;

-- The projection of tutors' display names from the User service's events
-- (course-on-user-event), shown on courses as tutor_name.
CREATE TABLE TutorProfiles (
  TutorId STRING(36) NOT NULL,
  DisplayName STRING(100) NOT NULL,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (TutorId);
