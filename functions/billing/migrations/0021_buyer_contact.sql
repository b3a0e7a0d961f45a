-- The name and email a voucher, transfer or QR payment is made out to
-- (Stripe requires them for OXXO and konbini), kept from user events beside
-- the learner's country; cleared when the account is deleted.
ALTER TABLE UserCountries ADD COLUMN DisplayName STRING(100);
ALTER TABLE UserCountries ADD COLUMN Email STRING(254);
