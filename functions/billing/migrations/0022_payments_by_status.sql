-- Reconciliation (billing-reconcile, every minute) looks for payments left
-- attempting: without this index it read every payment. Few rows are
-- attempting at any time and payments are written at a few per second, so
-- the time-ordered key is no hotspot at Kwipper's scale.
CREATE INDEX PaymentsByStatus ON Payments (Status, CreatedAt);
