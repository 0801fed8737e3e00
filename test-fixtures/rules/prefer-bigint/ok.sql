CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Ordinary integer data is fine: it is neither a key nor sequence-fed.
  age integer,
  small_lookup_id integer REFERENCES small_lookup (id)
);
CREATE TABLE tags (id bigserial PRIMARY KEY, label text);
CREATE TABLE sessions (id uuid PRIMARY KEY DEFAULT gen_random_uuid());
ALTER TABLE orders ADD COLUMN quantity integer NOT NULL DEFAULT 1;
