-- The "My orders" page filters on user_id; make it fast.
create index orders_user_id_idx on public.orders (user_id);
