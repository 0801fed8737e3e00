-- Test data of an older version: written against the schema of then.
INSERT INTO orders (id, legacy_code) VALUES (1, 'a1');
