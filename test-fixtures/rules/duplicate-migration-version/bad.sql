CREATE TABLE invoices (id bigint PRIMARY KEY);
-- ^^^ duplicate-migration-version
