DROP DATABASE legacy;
-- ^^^ ban-drop-database
DROP DATABASE IF EXISTS old_app WITH (FORCE);
-- ^^^ ban-drop-database
