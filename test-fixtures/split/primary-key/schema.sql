CREATE TABLE public.events (id bigint, kind text, payload jsonb);
INSERT INTO public.events SELECT g, 'k' || (g % 7), jsonb_build_object('n', g) FROM generate_series(1, 3000) g;
