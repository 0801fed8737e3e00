-- Distinct columns everywhere.
UPDATE small_lookup SET label = 'a', code = 'b' WHERE id = 1;
INSERT INTO small_lookup (id, label) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET label = excluded.label, code = 'c';
CREATE TABLE pairs (a int, b text);
CREATE VIEW pair_view AS SELECT 1 AS a, 2 AS b;
CREATE VIEW pair_view2 AS SELECT s.id, o.id AS order_id FROM small_lookup s, orders o;
-- Distinct fields of one composite column.
CREATE TYPE point2 AS (x int, y int);
CREATE TABLE shapes (id int, p point2);
UPDATE shapes SET p.x = 1, p.y = 2 WHERE id = 1;
