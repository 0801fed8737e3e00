CREATE TABLE events (id bigint NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
-- orders (40M rows) becomes a partition: every row is read to prove it fits the bound.
ALTER TABLE events ATTACH PARTITION orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- ^^^ attach-partition-scans
