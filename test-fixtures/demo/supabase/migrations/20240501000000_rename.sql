-- Money columns are named *_cents everywhere else; "amount" reads better.
alter table public.orders rename column total_cents to amount_cents;
