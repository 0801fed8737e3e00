DROP INDEX orders_status_idx, orders_amount_idx;
