CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX users_email_idx ON users (email);
CREATE INDEX small_lookup_code_idx ON small_lookup (code);
