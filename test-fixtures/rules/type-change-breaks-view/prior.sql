CREATE VIEW active_users AS
  SELECT id, email, name FROM users WHERE status = 'active';
CREATE VIEW recent_orders AS
  SELECT * FROM orders WHERE created_at > now() - interval '7 days';
