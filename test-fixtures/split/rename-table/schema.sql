CREATE TABLE public.visits (id bigint PRIMARY KEY, path text);
INSERT INTO public.visits SELECT g, '/p/' || g FROM generate_series(1, 1000) g;
