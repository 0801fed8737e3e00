CREATE TABLE public.accounts (id bigint PRIMARY KEY, name text);
CREATE TABLE public.orders (id bigint PRIMARY KEY, account_id bigint, amount integer);
INSERT INTO public.accounts SELECT g, 'acct ' || g FROM generate_series(1, 100) g;
INSERT INTO public.orders SELECT g, 1 + g % 100, g FROM generate_series(1, 3000) g;
