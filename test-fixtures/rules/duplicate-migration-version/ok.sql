-- pg-preflight-ignore-file duplicate-migration-version: the fixture harness gives bad.sql and ok.sql the same path and siblings; the down file of this migration (same version) is the near miss the context itself covers
CREATE TABLE invoices (id bigint PRIMARY KEY);
