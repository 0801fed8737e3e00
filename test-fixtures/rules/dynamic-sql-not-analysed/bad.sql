DO $$
BEGIN
  EXECUTE format('ALTER TABLE %I ADD COLUMN archived boolean', 'orders');
END
$$;
-- ^^^ dynamic-sql-not-analysed
CREATE FUNCTION add_partition(name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE 'CREATE TABLE ' || quote_ident(name) || ' PARTITION OF events DEFAULT';
END
$$;
SELECT add_partition('events_default');
-- ^^^ dynamic-sql-not-analysed
-- An index the schema does not know: which table it locks is unknown.
DROP INDEX CONCURRENTLY legacy_idx;
-- ^^^ dynamic-sql-not-analysed
REINDEX SCHEMA CONCURRENTLY public;
-- ^^^ dynamic-sql-not-analysed
