DROP TABLE public.legacy_audit;
