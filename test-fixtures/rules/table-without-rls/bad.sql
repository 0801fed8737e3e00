SET lock_timeout = '5s';
CREATE TABLE invoices (id bigint PRIMARY KEY, amount int);
-- ^^^ table-without-rls
CREATE TABLE public.profiles (id uuid PRIMARY KEY, display_name text);
-- ^^^ table-without-rls
CREATE TABLE drafts (id bigint);
-- ^^^ table-without-rls
ALTER TABLE drafts RENAME TO invoice_drafts;
CREATE TABLE order_totals AS SELECT user_id, sum(amount) AS total FROM orders GROUP BY user_id;
-- ^^^ table-without-rls
