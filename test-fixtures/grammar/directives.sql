-- pg-preflight-ignore require-concurrent-index-creation: table is empty in production
CREATE INDEX audit_at_idx ON audit (at);
  -- pg-preflight-ignore drop-column, rename-column: columns unused since v2
-- pg-preflight-ignore-file prefer-timestamptz: legacy schema
-- pg-preflight-ignore missing-reason
-- an ordinary comment that mentions CONCURRENTLY and NOT VALID
/* pg-preflight-ignore in a block comment is left to the host grammar */
-- pg-preflight-ignored is not a directive
