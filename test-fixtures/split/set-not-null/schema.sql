CREATE TABLE public.users (id bigint PRIMARY KEY, email text, status text DEFAULT 'active');
INSERT INTO public.users SELECT g, 'user' || g || '@example.com', 'active' FROM generate_series(1, 3000) g;
