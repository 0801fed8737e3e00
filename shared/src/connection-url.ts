// postgresql:// URLs split into the parts that name a database. Pure and free of `pg`, so the trace's
// scratch check (loaded by every CLI command) can use it without pulling in the driver; collect.ts
// builds its messages on it. Imported by path: '@pg-preflight/shared/dist/connection-url'.

export interface ConnectionUrlParts {
  user: string;
  password: string;
  /** As written (not lower-cased); 'localhost' when empty. */
  host: string;
  /** '5432' when absent. */
  port: string;
  database: string;
}

/** The parts of a postgresql:// URL, query parameters (host, user, port, dbname, password) winning; undefined when it is not one. */
export function parseConnectionUrl(url: string): ConnectionUrlParts | undefined {
  if (typeof url !== 'string' || !/^postgres(ql)?:\/\//i.test(url.trim())) return undefined;
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return undefined;
  }
  // A malformed %-escape is kept as typed rather than rejecting the URL.
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const q = u.searchParams;
  const host = q.get('host') ?? dec(u.hostname);
  return {
    user: q.get('user') ?? dec(u.username),
    password: q.get('password') ?? dec(u.password),
    host: host || 'localhost',
    port: q.get('port') ?? (u.port || '5432'),
    database: q.get('dbname') ?? dec(u.pathname.replace(/^\//, '')),
  };
}
