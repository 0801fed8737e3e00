CREATE TABLE events (id bigint NOT NULL, created_at timestamptz) PARTITION BY RANGE (created_at);
-- A validated CHECK on the partition key that matches the bound lets ATTACH skip the scan.
ALTER TABLE orders ADD CONSTRAINT orders_2024 CHECK (created_at IS NOT NULL AND created_at >= '2024-01-01' AND created_at < '2025-01-01') NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_2024;
ALTER TABLE events ATTACH PARTITION orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- A partition created empty in this file has nothing to scan.
CREATE TABLE events_2025 (id bigint NOT NULL, created_at timestamptz);
ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
