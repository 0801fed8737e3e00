-- Tighten the orders table now that the app always writes these.
alter table public.orders
  add constraint orders_user_id_fkey foreign key (user_id) references public.users (id);

alter table public.orders alter column currency set not null;

alter table public.orders alter column total_cents type bigint;
