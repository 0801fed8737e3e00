CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE public.orders (
  id bigint PRIMARY KEY,
  user_id bigint REFERENCES public.users (id),
  amount integer NOT NULL DEFAULT 0,
  status text
);
INSERT INTO public.users SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 500) g;
INSERT INTO public.orders SELECT g, 1 + g % 500, g % 1000, CASE WHEN g % 3 = 0 THEN 'paid' ELSE 'open' END FROM generate_series(1, 3000) g;
