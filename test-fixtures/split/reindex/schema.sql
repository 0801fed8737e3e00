CREATE TABLE public.orders (id bigint PRIMARY KEY, status text);
CREATE INDEX orders_status_idx ON public.orders (status);
INSERT INTO public.orders SELECT g, 'open' FROM generate_series(1, 2000) g;
