ALTER TABLE public.visits RENAME TO page_visits;
