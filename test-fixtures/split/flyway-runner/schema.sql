CREATE TABLE public.users (id bigint PRIMARY KEY, email text);
INSERT INTO public.users SELECT g, 'u' || g FROM generate_series(1, 2000) g;
