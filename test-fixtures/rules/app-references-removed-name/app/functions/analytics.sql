-- Another database's schema (an analytics store beside the app): its sessions table is not public.sessions.
CREATE TABLE analytics.sessions (id bigint, token text);
SELECT token FROM analytics.sessions WHERE id = 1;
