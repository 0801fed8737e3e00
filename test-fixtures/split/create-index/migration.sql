CREATE INDEX orders_user_id_idx ON public.orders (user_id);
CREATE INDEX ON public.orders (status) WHERE status = 'open';
