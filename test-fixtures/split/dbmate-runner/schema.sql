CREATE TABLE public.orders (id bigint PRIMARY KEY, user_id bigint, note text);
INSERT INTO public.orders SELECT g, g % 10, 'n' || g FROM generate_series(1, 2000) g;
