// The PostgreSQL driver, re-exported for the server package's trace engine (server/src/trace), which opens
// scratch-database connections. `pg` is a dependency of this package (the stats collector uses it); like
// collect.ts this module is NOT re-exported from index.ts, so the pure core never pulls in `pg`. Import it
// by path: '@pg-preflight/shared/dist/pg'.
export { Client, type ClientConfig } from 'pg';
