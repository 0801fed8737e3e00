-- The migration's own data changes: each runs in batches after the schema change it follows, and the
-- statements after them wait for them. The first UPDATE is not idempotent (total + 1), so a batch run
-- twice would show in the data.
ALTER TABLE public.orders ADD COLUMN archived boolean NOT NULL DEFAULT false;
UPDATE public.orders o SET total = o.total + 1, archived = (o.status = 'old') WHERE o.status <> 'void';
DELETE FROM public.orders WHERE status = 'void';
UPDATE orders SET note = 'none' WHERE note IS NULL;
ALTER TABLE public.orders ALTER COLUMN note SET NOT NULL;
