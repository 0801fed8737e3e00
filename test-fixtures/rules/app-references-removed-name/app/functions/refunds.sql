-- reads payments and the refunds of each: refunds.reason is the refunds table's own column
SELECT payments.id, refunds.reason, r2.amount
FROM payments
JOIN refunds ON refunds.payment_id = payments.id
JOIN refunds r2 ON r2.payment_id = payments.id;
INSERT INTO refunds (id, channel) VALUES (1, 'web');
SELECT id FROM payments WHERE kind = 'channel';
