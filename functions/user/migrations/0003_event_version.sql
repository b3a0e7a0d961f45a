-- EventVersion numbers the user's events (user-events): 1 for
-- user.registered, one more for each update. Consumers keep the version they
-- applied and ignore an older event that arrives late. 0 for users
-- registered before events were numbered.
ALTER TABLE Users ADD COLUMN EventVersion INT64 NOT NULL DEFAULT (0);
