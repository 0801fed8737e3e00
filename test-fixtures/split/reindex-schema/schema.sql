CREATE TABLE public.accounts (id bigint PRIMARY KEY, plan text NOT NULL DEFAULT 'free');
CREATE INDEX accounts_plan_idx ON public.accounts (plan);
INSERT INTO public.accounts SELECT g, CASE WHEN g % 4 = 0 THEN 'pro' ELSE 'free' END FROM generate_series(1, 1500) g;
