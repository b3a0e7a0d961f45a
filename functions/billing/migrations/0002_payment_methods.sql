-- Every payment method a learner saved (before, a customer had one card and
-- a second one replaced it). Customers.DefaultPaymentMethod stays the one
-- payments are made with; Unusable holds the hard decline code after which
-- it is never charged again (the learner is asked for another).
CREATE TABLE PaymentMethods (
  UserId STRING(36) NOT NULL,
  PaymentMethodId STRING(255) NOT NULL,
  Type STRING(32) NOT NULL,
  Brand STRING(32),
  Last4 STRING(4),
  ExpMonth INT64,
  ExpYear INT64,
  Unusable STRING(64),
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (UserId, PaymentMethodId),
  INTERLEAVE IN PARENT Customers ON DELETE CASCADE;

-- The learner's country, projected from the User service's events (by
-- version), so the API can say which payment methods it offers.
CREATE TABLE UserCountries (
  UserId STRING(36) NOT NULL,
  Country STRING(2) NOT NULL,
  EventVersion INT64,
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (UserId);
