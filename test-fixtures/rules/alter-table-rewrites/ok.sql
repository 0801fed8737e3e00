-- pg_default is where tables are already: nothing is copied.
ALTER TABLE orders SET TABLESPACE pg_default;
-- A table created in this file is empty.
CREATE TABLE scratch_rows (id bigint PRIMARY KEY);
ALTER TABLE scratch_rows SET UNLOGGED;
-- Storage parameters do not rewrite.
ALTER TABLE orders SET (fillfactor = 90);
