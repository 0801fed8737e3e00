-- Each of these is rejected by PostgreSQL 15.
UPDATE small_lookup SET label = 'a', label = 'b' WHERE id = 1;
-- ^^^ statement-fails
INSERT INTO small_lookup (id, id) VALUES (1, 2);
-- ^^^ statement-fails
CREATE TABLE twins (a int, a text);
-- ^^^ statement-fails
CREATE VIEW twin_view AS SELECT 1 AS a, 2 AS a;
-- ^^^ statement-fails
CREATE VIEW twin_view2 AS SELECT s.id, o.id FROM small_lookup s, orders o;
-- ^^^ statement-fails
CREATE VIEW twin_view3 (a, a) AS SELECT 1, 2;
-- ^^^ statement-fails
INSERT INTO small_lookup (id, label) VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET label = 'y', label = 'z';
-- ^^^ statement-fails
