CREATE TABLE public.users (id bigint PRIMARY KEY, email varchar(100) NOT NULL, nickname varchar(30), score integer NOT NULL DEFAULT 0);
INSERT INTO public.users SELECT g, 'user' || g || '@example.com', 'n' || g, g % 97 FROM generate_series(1, 3000) g;
CREATE VIEW public.user_emails AS SELECT id, email FROM public.users WHERE score > 10;
CREATE VIEW public.user_email_domains AS SELECT id, split_part(email, '@', 2) AS domain FROM public.user_emails;
CREATE VIEW public.user_nicknames AS SELECT id, nickname FROM public.users;
