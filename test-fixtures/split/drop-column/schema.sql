CREATE TABLE public.users (id bigint PRIMARY KEY, email text, legacy_flag boolean);
INSERT INTO public.users SELECT g, 'u' || g || '@example.com', g % 2 = 0 FROM generate_series(1, 2000) g;
