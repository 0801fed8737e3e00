-- Views read both columns: PostgreSQL refuses either type change while they exist, so the split drops
-- them (a view on a view first) and creates them again in the step that changes the column.
-- integer to bigint rewrites the table: expand/contract, the views around the contract.
ALTER TABLE public.users ALTER COLUMN score TYPE bigint;
-- A wider varchar does not rewrite: kept as written, the view around it.
ALTER TABLE public.users ALTER COLUMN nickname TYPE varchar(60);
