-- A Stripe customer per user, with the card payments are made with.
CREATE TABLE Customers (
  UserId STRING(36) NOT NULL,
  StripeCustomerId STRING(255) NOT NULL,
  DefaultPaymentMethod STRING(255),
  CardBrand STRING(32),
  CardLast4 STRING(4),
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (UserId);

CREATE UNIQUE INDEX CustomersByStripeId ON Customers (StripeCustomerId);

-- Our record of every payment, written before Stripe is called (attempting)
-- and settled after: a replay after Stripe has forgotten an idempotency key
-- finds it here and never charges twice. Status is attempting, succeeded,
-- failed or refunded; webhooks move it forward only (see billing.rank).
CREATE TABLE Payments (
  PaymentId STRING(64) NOT NULL,
  SagaId STRING(36),
  UserId STRING(36) NOT NULL,
  Amount INT64 NOT NULL,
  Currency STRING(3) NOT NULL,
  Status STRING(24) NOT NULL,
  PaymentIntentId STRING(255),
  RefundId STRING(255),
  FailureCode STRING(64),
  FailureMessage STRING(500),
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  UpdatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (PaymentId);

CREATE UNIQUE NULL_FILTERED INDEX PaymentsByIntent ON Payments (PaymentIntentId);

-- This migration also created the saga participant's SagaSteps table until
-- the table moved to the platform's 9002 migration (shared/saga). Databases
-- migrated before keep the table this file made then, and 9002 (CREATE TABLE
-- IF NOT EXISTS) changes nothing there; new databases get it from 9002.
