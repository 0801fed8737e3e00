CREATE TABLE invoices (id bigint PRIMARY KEY);
-- ^^^ migration-out-of-order
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
