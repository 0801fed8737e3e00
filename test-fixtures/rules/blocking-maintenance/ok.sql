SET lock_timeout = '5s';
VACUUM orders;
VACUUM (FULL false) orders;
VACUUM ANALYZE users;
REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;
-- A materialized view created in this migration has no readers yet.
CREATE MATERIALIZED VIEW user_counts AS SELECT status, count(*) AS n FROM users GROUP BY status WITH NO DATA;
REFRESH MATERIALIZED VIEW user_counts;
