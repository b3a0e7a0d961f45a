-- Which saved method a payment was charged to, and Stripe's own decline
-- code: a hard decline marks that method unusable (PaymentMethods.Unusable),
-- and operators see what the bank said.
ALTER TABLE Payments ADD COLUMN PaymentMethodId STRING(255);
ALTER TABLE Payments ADD COLUMN DeclineCode STRING(64);

-- A payment waiting for the learner to authenticate it (3-D Secure) waits
-- until ActionDeadline; after it the payment fails and its saga compensates.
ALTER TABLE Payments ADD COLUMN ActionDeadline TIMESTAMP;
