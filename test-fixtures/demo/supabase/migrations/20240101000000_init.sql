-- Initial schema: customers and their orders.
create table public.users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique,
  full_name text,
  created_at timestamptz not null default now()
);

create table public.orders (
  id bigint generated always as identity primary key,
  user_id uuid not null,
  status text not null default 'pending',
  total_cents integer not null,
  currency text,
  created_at timestamptz not null default now()
);

alter table public.users enable row level security;
alter table public.orders enable row level security;

create policy "Users read their own row" on public.users
  for select to authenticated using ((select auth.uid()) = id);

create policy "Users read their own orders" on public.orders
  for select to authenticated using ((select auth.uid()) = user_id);
