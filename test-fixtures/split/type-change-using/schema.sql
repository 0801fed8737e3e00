CREATE TABLE public.products (id bigint PRIMARY KEY, sku text, price_text varchar(20));
INSERT INTO public.products SELECT g, 'sku-' || g, (g * 3)::text FROM generate_series(1, 3000) g;
INSERT INTO public.products VALUES (3001, 'sku-3001', NULL);
