-- migrate:up
CREATE INDEX orders_user_id_idx ON public.orders (user_id);
ALTER TABLE public.orders ALTER COLUMN note SET NOT NULL;

-- migrate:down
DROP INDEX orders_user_id_idx;
ALTER TABLE public.orders ALTER COLUMN note DROP NOT NULL;
