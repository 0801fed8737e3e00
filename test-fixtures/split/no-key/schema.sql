CREATE TABLE public.legacy_audit (at timestamptz, note text);
INSERT INTO public.legacy_audit SELECT now(), 'n' || g FROM generate_series(1, 1000) g;
