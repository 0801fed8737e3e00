CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);
-- ^^^ migration-history-mismatch
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
-- edited after the database applied it: total lost its NOT NULL
