CREATE TABLE customers (
  id integer PRIMARY KEY,
-- ^^^ prefer-bigint
  name text NOT NULL
);
CREATE TABLE tags (
  id serial,
-- ^^^ prefer-bigint
  label text
);
CREATE TABLE order_items (
  order_id bigint,
  line_no smallint,
-- ^^^ prefer-bigint
  PRIMARY KEY (order_id, line_no)
);
ALTER TABLE audit_log ADD COLUMN id int GENERATED ALWAYS AS IDENTITY;
-- ^^^ prefer-bigint
