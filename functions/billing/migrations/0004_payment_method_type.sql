-- The payment method type a payment is made with when it is not the saved
-- card: a single-use method (konbini, oxxo, customer_balance for SPEI, qris,
-- gopay) the learner pays after the payment is created; NULL for cards.
-- Its deadline (ActionDeadline) is the voucher's expiry plus the time Stripe
-- may take to confirm a payment made just before it.
ALTER TABLE Payments ADD COLUMN MethodType STRING(32);
