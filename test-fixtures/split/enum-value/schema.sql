CREATE TYPE public.payment_state AS ENUM ('pending', 'paid');
CREATE TABLE public.payments (id bigint PRIMARY KEY, state public.payment_state NOT NULL DEFAULT 'pending');
INSERT INTO public.payments SELECT g, CASE WHEN g % 2 = 0 THEN 'paid'::public.payment_state ELSE 'pending' END FROM generate_series(1, 100) g;
