// Shared by server, CLI and client. No I/O here: the collector that talks to PostgreSQL is
// shared/src/collect.ts and is imported by path, so the pure core never pulls in `pg`.
export * from './settings';
export * from './stats';
export * from './protocol';
