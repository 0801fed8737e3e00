CREATE DOMAIN order_status AS text;
ALTER TABLE orders ALTER COLUMN status TYPE order_status;
-- NOT VALID checks new values only: no table is read.
ALTER DOMAIN order_status ADD CONSTRAINT order_status_known CHECK (VALUE IN ('new', 'paid', 'shipped')) NOT VALID;
-- A domain no table uses checks nothing.
CREATE DOMAIN label_text AS text;
ALTER DOMAIN label_text ADD CONSTRAINT label_text_short CHECK (length(VALUE) < 40);
-- Renames, defaults and dropping a constraint touch only the catalog.
ALTER DOMAIN order_status SET DEFAULT 'new';
ALTER DOMAIN order_status DROP CONSTRAINT order_status_known;
