-- Runs outside a transaction (plain psql): CONCURRENTLY is allowed.
ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY;
ALTER TABLE events DETACH PARTITION events_2024 FINALIZE;
ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- A partitioned table created in this migration is new and empty.
CREATE TABLE metrics (id bigint NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE metrics_2024 PARTITION OF metrics FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE metrics DETACH PARTITION metrics_2024;
