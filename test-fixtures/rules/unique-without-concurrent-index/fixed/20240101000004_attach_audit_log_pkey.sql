-- pg-preflight: follow-up to 20240101000000_fixture.sql (deploy after it)
-- - attach audit_log_pkey as the primary key of public.audit_log
-- Runs in one transaction (BEGIN ... COMMIT below).
-- Why it is safe: ADD CONSTRAINT ... USING INDEX reuses the index built concurrently: ACCESS EXCLUSIVE, briefly
-- Deploy: after 20240101000003_index_audit_log_pkey.sql has succeeded
-- Reverse: ALTER TABLE public.audit_log DROP CONSTRAINT audit_log_pkey;  -- drops the index too

BEGIN;
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';

ALTER TABLE public.audit_log ADD CONSTRAINT audit_log_pkey PRIMARY KEY USING INDEX audit_log_pkey;

COMMIT;
