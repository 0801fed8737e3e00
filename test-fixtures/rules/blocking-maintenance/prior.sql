CREATE MATERIALIZED VIEW order_totals AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id;
