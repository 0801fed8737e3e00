-- The user wrote CONCURRENTLY, which cannot run inside the runner's transaction: the split gives it a
-- file of its own.
ALTER TABLE public.events DETACH PARTITION public.events_2023 CONCURRENTLY;
CREATE TABLE public.event_notes (id bigint PRIMARY KEY, note text);
