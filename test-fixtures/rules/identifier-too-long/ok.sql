-- Exactly 63 bytes is kept as written.
CREATE TABLE subscription_renewal_reminder_notifications_sent_to_customer_v2 (id bigint PRIMARY KEY);
-- 31 two-byte letters are 62 bytes.
CREATE TABLE "ééééééééééééééééééééééééééééééé" (id bigint PRIMARY KEY);
-- Long text in literals, comments and function bodies is not a name.
COMMENT ON TABLE reminders IS 'reminders_customer_id_plan_id_sent_at_channel_unique_key_and_a_bit_more';
CREATE FUNCTION note() RETURNS text LANGUAGE sql AS $$ SELECT 'reminders_customer_id_plan_id_sent_at_channel_unique_key_and_more' $$;
-- Queries name objects that exist; PostgreSQL cuts those names the same way every time.
SELECT count(*) FROM subscription_renewal_reminder_notifications_sent_to_customers_v2;
