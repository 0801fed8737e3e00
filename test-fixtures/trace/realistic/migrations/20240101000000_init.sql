-- Customers and products.
CREATE TABLE public.customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.products (
  id serial PRIMARY KEY,
  sku varchar(32) NOT NULL,
  price numeric(10,2) NOT NULL CHECK (price >= 0)
);

CREATE TYPE public.order_status AS ENUM ('new', 'paid', 'shipped');
