-- A deleted account's payments are found by user to be pseudonymised
-- (account.go); the learner's own lists read Receipts.
CREATE INDEX PaymentsByUser ON Payments (UserId);
