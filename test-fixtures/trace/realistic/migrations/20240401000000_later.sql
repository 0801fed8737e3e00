-- A later migration: never replayed when tracing an earlier file.
DROP TABLE public.products CASCADE;
