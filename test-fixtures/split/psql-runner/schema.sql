CREATE TABLE public.accounts (id bigint PRIMARY KEY, name text);
CREATE TABLE public.orders (id bigint PRIMARY KEY, account_id bigint, status text);
INSERT INTO public.accounts SELECT g, 'a' || g FROM generate_series(1, 20) g;
INSERT INTO public.orders SELECT g, 1 + g % 20, 'open' FROM generate_series(1, 2000) g;
