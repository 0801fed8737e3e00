-- Identifiers at PostgreSQL's 63-byte limit: every name the split generates must be PostgreSQL's own
-- (makeObjectName cuts the table part, keeps the column part and the label) and distinct.
CREATE TABLE public.accounts_with_a_name_long_enough_to_reach_the_sixty_three_limit (id bigint PRIMARY KEY);
CREATE TABLE public.orders_with_a_name_long_enough_to_reach_the_sixty_three_byte_cap (
  id bigint PRIMARY KEY,
  account_of_the_buyer_for_this_order bigint,
  account_of_the_seller_for_this_order bigint,
  amount_in_cents_before_any_discount integer NOT NULL DEFAULT 0,
  quantity_ordered_by_the_buyer integer NOT NULL DEFAULT 1
);
INSERT INTO public.accounts_with_a_name_long_enough_to_reach_the_sixty_three_limit SELECT g FROM generate_series(1, 50) g;
INSERT INTO public.orders_with_a_name_long_enough_to_reach_the_sixty_three_byte_cap SELECT g, 1 + g % 50, 1 + (g * 7) % 50, g, 1 + g % 5 FROM generate_series(1, 2000) g;
