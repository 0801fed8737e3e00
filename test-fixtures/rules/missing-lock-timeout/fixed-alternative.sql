-- migrate:up
-- Adds a nickname and an index for the status filter.

-- pg-preflight lock retry: each attempt waits at most 500ms for the lock (the app queues behind it only that long),
-- then pauses with jitter; gives up after 20 attempts. Locks of earlier statements in this transaction stay held.
DO $pgpf_retry$
DECLARE
  max_attempts constant int := 20;
  saved_lock_timeout constant text := current_setting('lock_timeout');
  attempt int := 0;
BEGIN
  LOOP
    attempt := attempt + 1;
    BEGIN
      PERFORM set_config('lock_timeout', '500ms', true);
      EXECUTE $pgpf_stmt$ALTER TABLE users ADD COLUMN nickname text$pgpf_stmt$;
      PERFORM set_config('lock_timeout', saved_lock_timeout, true);
      RETURN;
    EXCEPTION WHEN lock_not_available THEN
      IF attempt >= max_attempts THEN
        RAISE EXCEPTION 'pg-preflight lock retry: ALTER TABLE ADD COLUMN did not get its lock in % attempts of 500ms; not applied', attempt
          USING ERRCODE = 'lock_not_available', HINT = 'A long transaction holds a conflicting lock: find it in pg_stat_activity, then rerun the migration.';
      END IF;
      RAISE NOTICE 'pg-preflight lock retry: attempt % of % for ALTER TABLE ADD COLUMN timed out after 500ms; retrying', attempt, max_attempts;
    END;
    PERFORM pg_sleep(least(5, attempt * 0.5 * (0.5 + random())));
  END LOOP;
END
$pgpf_retry$;
-- ^^^ missing-lock-timeout
CREATE INDEX orders_status_idx ON orders (status);
ALTER TABLE small_lookup ADD COLUMN sort_order int;
