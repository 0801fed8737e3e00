SET lock_timeout = '5s';
-- RLS enabled later in the same file.
CREATE TABLE invoices (id bigint PRIMARY KEY, amount int);
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
-- Followed through a rename.
CREATE TABLE drafts (id bigint);
ALTER TABLE drafts RENAME TO invoice_drafts;
ALTER TABLE public.invoice_drafts ENABLE ROW LEVEL SECURITY;
-- Not in an exposed schema, or moved out of it.
CREATE TABLE private.secrets (id bigint);
CREATE TABLE staging (id bigint);
ALTER TABLE staging SET SCHEMA private;
-- Temporary tables and tables dropped again are never served.
CREATE TEMP TABLE scratch (id bigint);
CREATE TABLE tmp_import (id bigint);
DROP TABLE tmp_import;
-- IF NOT EXISTS on a table that already exists creates nothing.
CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);
