CREATE TABLE countries (
  code text PRIMARY KEY CHECK (length(code) = 2),
  name varchar(100) NOT NULL,
  -- "char" in quotes is PostgreSQL's one-byte internal type, not char(n).
  kind "char"
);
ALTER TABLE orders ADD COLUMN currency character varying(3);
ALTER TABLE small_lookup ALTER COLUMN label TYPE text;
