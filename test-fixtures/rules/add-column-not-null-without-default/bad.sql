ALTER TABLE users ADD COLUMN country text NOT NULL;
-- ^^^ add-column-not-null-without-default
ALTER TABLE orders
  ADD COLUMN currency char(3) NOT NULL REFERENCES small_lookup (code);
-- ^^^ add-column-not-null-without-default
-- A tiny table still has rows: it fails there too.
ALTER TABLE small_lookup ADD COLUMN sort_key integer NOT NULL CHECK (sort_key > 0);
-- ^^^ add-column-not-null-without-default
ALTER TABLE audit_log ADD COLUMN id bigint PRIMARY KEY;
-- ^^^ add-column-not-null-without-default
