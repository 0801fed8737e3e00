CREATE DOMAIN order_status AS text;
ALTER TABLE orders ALTER COLUMN status TYPE order_status;
ALTER DOMAIN order_status ADD CONSTRAINT order_status_known CHECK (VALUE IN ('new', 'paid', 'shipped'));
-- ^^^ domain-constraint-scans-tables
ALTER DOMAIN order_status ADD CONSTRAINT order_status_short CHECK (length(VALUE) < 20) NOT VALID;
ALTER DOMAIN order_status VALIDATE CONSTRAINT order_status_short;
-- ^^^ domain-constraint-scans-tables
ALTER DOMAIN order_status SET NOT NULL;
-- ^^^ domain-constraint-scans-tables
