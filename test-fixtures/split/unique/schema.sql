CREATE TABLE public.users (id bigint PRIMARY KEY, email text, handle text);
INSERT INTO public.users SELECT g, 'user' || g || '@example.com', 'h' || g FROM generate_series(1, 3000) g;
