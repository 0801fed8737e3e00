CREATE TABLE public.accounts (id bigint PRIMARY KEY, name text);
CREATE TABLE public.users (id bigint PRIMARY KEY, account_id bigint, email text, name text NOT NULL DEFAULT '', score integer, legacy text);
CREATE TABLE public.orders (id bigint PRIMARY KEY, user_id bigint, amount integer NOT NULL, status text);
CREATE INDEX users_name_idx ON public.users (name);
INSERT INTO public.accounts SELECT g, 'acct ' || g FROM generate_series(1, 50) g;
INSERT INTO public.users SELECT g, 1 + g % 50, 'u' || g || '@example.com', 'name ' || g, g % 100, 'x' FROM generate_series(1, 3000) g;
INSERT INTO public.orders SELECT g, 1 + g % 3000, g % 500, 'open' FROM generate_series(1, 4000) g;
