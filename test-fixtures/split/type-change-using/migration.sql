ALTER TABLE public.products ALTER COLUMN price_text TYPE numeric(12,2) USING price_text::numeric(12,2);
