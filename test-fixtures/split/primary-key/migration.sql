ALTER TABLE public.events ADD PRIMARY KEY (id);
