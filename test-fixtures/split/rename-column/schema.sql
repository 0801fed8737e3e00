CREATE TABLE public.users (id bigint PRIMARY KEY, name text NOT NULL DEFAULT '', email text);
CREATE INDEX users_name_idx ON public.users (name);
INSERT INTO public.users SELECT g, 'name ' || g, 'u' || g || '@example.com' FROM generate_series(1, 3000) g;
