SET lock_timeout = '5s';
ALTER TABLE events DETACH PARTITION events_2023;
-- ^^^ detach-partition-concurrently
ALTER TABLE public.events
  DETACH PARTITION public.events_2024;
-- ^^^ detach-partition-concurrently
