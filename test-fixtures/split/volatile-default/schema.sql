CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL);
INSERT INTO public.users SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 3000) g;
