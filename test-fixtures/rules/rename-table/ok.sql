SET lock_timeout = '5s';
-- A table created in this migration is new: no deployed code uses its name yet.
CREATE TABLE drafts (id bigint PRIMARY KEY);
ALTER TABLE drafts RENAME TO invoice_drafts;
ALTER TABLE invoice_drafts SET SCHEMA private;
-- Column, constraint and index renames are other rules' business.
ALTER TABLE users RENAME CONSTRAINT users_pkey TO users_pk;
ALTER INDEX orders_pkey RENAME TO orders_pk;

-- Renamed with a compatibility view under the old name in the same migration: old code keeps working.
ALTER TABLE public.orders RENAME TO purchases;
CREATE VIEW public.orders AS SELECT * FROM public.purchases;
