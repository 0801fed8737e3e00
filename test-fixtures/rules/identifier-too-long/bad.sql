CREATE TABLE subscription_renewal_reminder_notifications_sent_to_customers_v2 (id bigint PRIMARY KEY);
-- ^^^ identifier-too-long
-- A quoted name counts its bytes: 32 two-byte letters are 64 bytes.
CREATE TABLE "éééééééééééééééééééééééééééééééé" (id bigint PRIMARY KEY);
-- ^^^ identifier-too-long
-- An index name written out, as an ORM would generate it.
CREATE INDEX index_subscription_reminders_on_customer_id_and_plan_id_and_sent_at ON reminders (customer_id, plan_id, sent_at);
-- ^^^ identifier-too-long
ALTER TABLE reminders ADD CONSTRAINT reminders_customer_id_plan_id_sent_at_channel_and_region_unique_key UNIQUE (customer_id, plan_id, sent_at, channel);
-- ^^^ identifier-too-long
