CREATE TABLE public.orders (id bigint PRIMARY KEY, status text NOT NULL, total numeric NOT NULL, note text);
INSERT INTO public.orders
SELECT g, (ARRAY['open', 'old', 'void'])[1 + g % 3], g * 1.5, CASE WHEN g % 4 = 0 THEN NULL ELSE 'n' || g END
FROM generate_series(1, 3000) g;
