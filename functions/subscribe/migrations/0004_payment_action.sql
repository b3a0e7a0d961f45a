-- A payment that waits for the learner (3-D Secure): which payment, until
-- when. The learner fetches what Stripe.js needs from Billing
-- (GET /v1/billing/payments/{ActionPaymentId}/action).
ALTER TABLE Subscriptions ADD COLUMN ActionPaymentId STRING(64);
ALTER TABLE Subscriptions ADD COLUMN ActionDeadline TIMESTAMP;
