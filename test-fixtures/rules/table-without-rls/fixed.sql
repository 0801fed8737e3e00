SET lock_timeout = '5s';
CREATE TABLE invoices (id bigint PRIMARY KEY, amount int);
ALTER TABLE public.invoices ENABLE ROW LEVEL SECURITY;
-- ^^^ table-without-rls
CREATE TABLE public.profiles (id uuid PRIMARY KEY, display_name text);
ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
-- ^^^ table-without-rls
CREATE TABLE drafts (id bigint);
ALTER TABLE public.drafts ENABLE ROW LEVEL SECURITY;
-- ^^^ table-without-rls
ALTER TABLE drafts RENAME TO invoice_drafts;
CREATE TABLE order_totals AS SELECT user_id, sum(amount) AS total FROM orders GROUP BY user_id;
ALTER TABLE public.order_totals ENABLE ROW LEVEL SECURITY;
-- ^^^ table-without-rls
