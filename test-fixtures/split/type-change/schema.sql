CREATE TABLE public.orders (id bigint PRIMARY KEY, amount integer NOT NULL DEFAULT 0, note text);
CREATE INDEX orders_amount_idx ON public.orders (amount);
INSERT INTO public.orders SELECT g, g * 7, 'n' || g FROM generate_series(1, 3000) g;
