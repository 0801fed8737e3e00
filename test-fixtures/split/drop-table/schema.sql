CREATE TABLE public.legacy_audit (id bigint PRIMARY KEY, note text);
CREATE TABLE public.users (id bigint PRIMARY KEY, email text);
INSERT INTO public.legacy_audit SELECT g, 'n' || g FROM generate_series(1, 1000) g;
INSERT INTO public.users SELECT g, 'u' || g FROM generate_series(1, 100) g;
