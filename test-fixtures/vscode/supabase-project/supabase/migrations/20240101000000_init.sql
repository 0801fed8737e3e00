-- Initial schema: customers and their orders.
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

alter table public.users enable row level security;
alter table public.orders enable row level security;
