-- Where each subscription stands on the course's side: "pending" (the
-- subscribe saga's UpdateCourseInfo step ran), "active" (subscription.activated
-- arrived) or "ended" (subscription.ended, or the saga's RevertCourseInfo).
-- Courses.SubscriberCount moves with this state, once per transition: +1
-- entering active, -1 leaving it. NULL on rows written before this column:
-- read as Active says.
ALTER TABLE Entitlements ADD COLUMN State STRING(8);
