SET lock_timeout = '5s';
-- Alone, with a lock_timeout: held for an instant.
ALTER SEQUENCE users_id_seq RESTART WITH 1000000;
-- A sequence created in this migration has no callers yet.
BEGIN;
CREATE SEQUENCE ticket_seq;
ALTER SEQUENCE ticket_seq INCREMENT BY 10;
CREATE TABLE tickets (id bigint DEFAULT nextval('ticket_seq'));
COMMIT;
