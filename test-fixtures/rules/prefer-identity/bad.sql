CREATE TABLE customers (
  id bigserial PRIMARY KEY,
-- ^^^ prefer-identity
  name text
);
CREATE TABLE tags (id serial PRIMARY KEY, label text);
-- ^^^ prefer-identity
ALTER TABLE small_lookup ADD COLUMN position smallserial;
-- ^^^ prefer-identity
