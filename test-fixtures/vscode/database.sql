-- Loaded into the throwaway PostgreSQL of the extension tests and the end-to-end run: the schema of
-- supabase-project's first migration, with rows, analysed so pg_class.reltuples is right.
create table public.users (
  id bigint generated always as identity primary key,
  email text not null unique,
  created_at timestamptz not null default now()
);
create table public.orders (
  id bigint generated always as identity primary key,
  user_id bigint not null,
  status text not null default 'pending',
  total_cents integer not null,
  currency text,
  created_at timestamptz not null default now()
);
insert into public.users (email) select 'user' || g || '@example.com' from generate_series(1, 40000) g;
insert into public.orders (user_id, status, total_cents, currency)
  select 1 + g % 40000, case when g % 5 = 0 then 'paid' else 'pending' end, g % 10000, 'EUR' from generate_series(1, 300000) g;
analyze public.users;
analyze public.orders;
