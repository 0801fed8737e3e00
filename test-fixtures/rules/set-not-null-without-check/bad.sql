SET lock_timeout = '5s';
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
-- ^^^ set-not-null-without-check
ALTER TABLE orders ALTER COLUMN status SET NOT NULL,
-- ^^^ set-not-null-without-check
  ALTER COLUMN note SET NOT NULL;
-- ^^^ set-not-null-without-check
-- A CHECK that is still NOT VALID proves nothing: the scan still happens.
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_nn CHECK (actor IS NOT NULL) NOT VALID;
ALTER TABLE audit_log ALTER COLUMN actor SET NOT NULL;
-- ^^^ set-not-null-without-check
-- The constraint form scans the same way unless it is NOT VALID.
ALTER TABLE small_lookup ADD CONSTRAINT small_lookup_code_nn NOT NULL code;
-- ^^^ set-not-null-without-check
-- A primary key over a nullable column sets it NOT NULL, with the same scan.
CREATE UNIQUE INDEX CONCURRENTLY audit_log_at_key ON audit_log (at);
ALTER TABLE audit_log ADD CONSTRAINT audit_log_pkey PRIMARY KEY USING INDEX audit_log_at_key;
-- ^^^ set-not-null-without-check
