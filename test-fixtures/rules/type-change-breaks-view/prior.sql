CREATE VIEW active_users AS
  SELECT id, email, name FROM users WHERE status = 'active';
CREATE VIEW recent_orders AS
  SELECT * FROM orders WHERE created_at > now() - interval '7 days';
-- Reads orders.amount through a join with another view: DROP VIEW recent_orders CASCADE drops it too.
CREATE VIEW order_amounts AS
  SELECT o.id, o.amount FROM orders o JOIN recent_orders r USING (id);
