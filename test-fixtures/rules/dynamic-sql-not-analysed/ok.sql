-- Static SQL in a DO block is analysed like any other statement.
DO $$
BEGIN
  UPDATE small_lookup SET label = upper(label) WHERE id = 1;
END
$$;
CREATE FUNCTION touch_lookup() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE small_lookup SET label = label WHERE id = 2;
END
$$;
SELECT touch_lookup();
-- Known objects.
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
DROP INDEX CONCURRENTLY orders_status_idx;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;
-- Creating a function with dynamic SQL runs nothing; only calling it does.
CREATE FUNCTION drop_named_table(name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE 'DROP TABLE ' || quote_ident(name);
END
$$;
