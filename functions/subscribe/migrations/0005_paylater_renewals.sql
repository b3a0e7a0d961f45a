-- The single-use method a subscription pays each period with (konbini, oxxo,
-- customer_balance for SPEI, qris, gopay; NULL for the saved card): its
-- renewal is issued before the period ends as a payment the learner makes
-- (a voucher, transfer or QR code), and access continues until it expires.
ALTER TABLE Subscriptions ADD COLUMN PaymentMethodType STRING(32);
