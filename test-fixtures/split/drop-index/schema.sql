CREATE TABLE public.orders (id bigint PRIMARY KEY, status text, amount integer);
CREATE INDEX orders_status_idx ON public.orders (status);
CREATE INDEX orders_amount_idx ON public.orders (amount);
INSERT INTO public.orders SELECT g, 'open', g FROM generate_series(1, 2000) g;
