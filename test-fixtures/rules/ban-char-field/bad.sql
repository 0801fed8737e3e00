CREATE TABLE countries (
  code char(2) PRIMARY KEY,
-- ^^^ ban-char-field
  name character(100) NOT NULL,
-- ^^^ ban-char-field
  flag char
-- ^^^ ban-char-field
);
ALTER TABLE orders ADD COLUMN currency character(3);
-- ^^^ ban-char-field
ALTER TABLE small_lookup ALTER COLUMN code TYPE char(8);
-- ^^^ ban-char-field
