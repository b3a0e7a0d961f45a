-- What each payment is for and the tax its tax-inclusive price includes,
-- fixed when the payment is first recorded (before Stripe is called): the
-- buyer's country, the tax rate of that date (shared/tax) and the tax part,
-- the course and its tutor, the period it pays for. Renewals inherit the
-- course, tutor and interval from the subscription's first payment.
CREATE TABLE PaymentTerms (
  PaymentId STRING(64) NOT NULL,
  UserId STRING(36) NOT NULL,
  SubscriptionId STRING(36),
  CourseId STRING(36),
  TutorId STRING(36),
  BillingInterval STRING(8),
  PeriodStart TIMESTAMP,
  PeriodEnd TIMESTAMP,
  Country STRING(2),
  TaxName STRING(32),
  TaxNominalBp INT64 NOT NULL,
  TaxBaseNum INT64 NOT NULL,
  TaxBaseDen INT64 NOT NULL,
  TaxAmount INT64 NOT NULL,
  CreatedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (PaymentId);

-- The money that moved, one row per receipt: a payment when it succeeds, a
-- refund when it is refunded (written in the transaction that settles the
-- payment, at most once each: ReceiptId is derived from the payment id and
-- the kind). Amount and TaxAmount are positive in minor units of Currency;
-- a refund's are what it gives back. Learners list theirs newest first;
-- tutors sum theirs per course, currency and month.
CREATE TABLE Receipts (
  ReceiptId STRING(32) NOT NULL,
  PaymentId STRING(64) NOT NULL,
  Kind STRING(8) NOT NULL,
  UserId STRING(36) NOT NULL,
  TutorId STRING(36),
  CourseId STRING(36),
  SubscriptionId STRING(36),
  Amount INT64 NOT NULL,
  Currency STRING(3) NOT NULL,
  TaxAmount INT64 NOT NULL,
  Country STRING(2),
  TaxName STRING(32),
  TaxNominalBp INT64 NOT NULL,
  TaxBaseNum INT64 NOT NULL,
  TaxBaseDen INT64 NOT NULL,
  PeriodStart TIMESTAMP,
  PeriodEnd TIMESTAMP,
  MethodType STRING(32),
  CardBrand STRING(32),
  CardLast4 STRING(4),
  IssuedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
  CONSTRAINT ReceiptsKind CHECK (Kind IN ('payment', 'refund')),
) PRIMARY KEY (ReceiptId);

CREATE INDEX ReceiptsByUser ON Receipts (UserId, IssuedAt DESC, ReceiptId DESC);
CREATE INDEX ReceiptsByPayment ON Receipts (PaymentId);
CREATE INDEX ReceiptsByTutor ON Receipts (TutorId, IssuedAt)
  STORING (CourseId, Kind, Amount, Currency, TaxAmount);
