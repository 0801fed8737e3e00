-- Orders, their items, a view and a trigger function.
CREATE TABLE public.orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES public.customers (id),
  status public.order_status NOT NULL DEFAULT 'new',
  total numeric(12,2),
  note varchar(200)
);
CREATE INDEX orders_customer_id_idx ON public.orders (customer_id);

CREATE TABLE public.order_items (
  order_id bigint NOT NULL REFERENCES public.orders (id) ON DELETE CASCADE,
  product_id int NOT NULL REFERENCES public.products (id),
  qty int NOT NULL DEFAULT 1,
  PRIMARY KEY (order_id, product_id)
);

CREATE VIEW public.open_orders AS
  SELECT id, customer_id, total FROM public.orders WHERE status <> 'shipped';

CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.total := coalesce(NEW.total, 0);
  RETURN NEW;
END
$$;
