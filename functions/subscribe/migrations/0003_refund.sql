-- Refunds within a window (refund.go): a subscription is refunding while its
-- refund saga runs, then ended with ReasonCode 'refunded'.
ALTER TABLE Subscriptions DROP CONSTRAINT SubscriptionsStatusKnown;
ALTER TABLE Subscriptions ADD CONSTRAINT SubscriptionsStatusKnown CHECK (Status IN ('pending', 'active', 'past_due', 'refunding', 'failed', 'ended'));
