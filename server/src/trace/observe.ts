// Reading what one statement did, inside the trace's transaction, from the catalog and pg_locks.
//
// How a statement's locks are separated from the rest: PostgreSQL never releases a relation lock before
// the transaction ends, and pg_locks has one row per (relation, mode) per backend. So the (relation,
// mode) pairs held after the statement that were not held before it are exactly the modes it took that
// the transaction did not hold yet. A mode held already (an earlier statement took it) cannot be seen
// again: ObservedLock.alreadyHeld says which, and the comparison treats them as unobservable.
//
// One round trip per statement: a single query returns this backend's relation locks and, for the
// relations it holds locks on, pg_class (relfilenode: rewrites), pg_attribute and pg_constraint (column
// and constraint changes). A relation changes only under a lock, so relations not locked yet keep the
// state read once at the start of the trace. The query calls no function that locks a user relation
// (no pg_get_viewdef, pg_get_indexdef, ...): it must not add locks of its own.
import { lockStrength } from '../core/locks/modes';
import { LOCK_MODES, type LockMode } from '../core/types';
import type { TraceSession } from './engine';
import type { ObservedLock, SchemaChange } from './types';

export interface RelInfo {
  oid: string;
  /** schema.name */
  name: string;
  relkind: string;
  relfilenode: string;
}

export interface ColInfo {
  attnum: number;
  name: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
}

export interface ConInfo {
  oid: string;
  name: string;
  type: string;
  validated: boolean;
}

export interface Snapshot {
  /** oid -> modes this backend holds (relations of this database with user oids). */
  locks: Map<string, Set<LockMode>>;
  rels: Map<string, RelInfo>;
  cols: Map<string, ColInfo[]>;
  cons: Map<string, ConInfo[]>;
}

/** First oid of user objects (FirstNormalObjectId): lower oids are the system's. */
export const FIRST_USER_OID = 16384;

const USER_NAMESPACE = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

function snapshotSql(restrictToLocked: boolean): string {
  const only = (col: string) => (restrictToLocked ? ` AND ${col} IN (SELECT relation FROM l)` : '');
  return `WITH l AS (
    SELECT lk.relation, lk.mode FROM pg_catalog.pg_locks lk
    WHERE lk.pid = pg_catalog.pg_backend_pid() AND lk.locktype = 'relation' AND lk.relation >= ${FIRST_USER_OID}
      AND lk.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()))
  SELECT
    (SELECT coalesce(json_agg(json_build_array(l.relation::text, l.mode)), '[]'::json) FROM l) AS locks,
    (SELECT coalesce(json_agg(json_build_array(c.oid::text, n.nspname || '.' || c.relname, c.relkind::text, c.relfilenode::text)), '[]'::json)
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'm', 'v', 'i', 'I', 'S', 'f') AND ${USER_NAMESPACE}${only('c.oid')}) AS rels,
    (SELECT coalesce(json_agg(json_build_array(a.attrelid::text, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef)), '[]'::json)
       FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm', 'v', 'f') AND ${USER_NAMESPACE}${only('a.attrelid')}) AS cols,
    (SELECT coalesce(json_agg(json_build_array(k.oid::text, k.conrelid::text, k.conname, k.contype::text, k.convalidated)), '[]'::json)
       FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE k.contype <> 'n' AND ${USER_NAMESPACE}${only('k.conrelid')}) AS cons`;
}

const FULL_SQL = snapshotSql(false);
const LOCKED_SQL = snapshotSql(true);

function parseJson(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return JSON.parse(v) as unknown[];
  return [];
}

async function read(session: TraceSession, sql: string): Promise<Snapshot> {
  const row = (await session.query<Record<string, unknown>>(sql))[0] ?? {};
  const locks = new Map<string, Set<LockMode>>();
  for (const [oid, mode] of parseJson(row.locks) as [string, string][]) {
    if (!(LOCK_MODES as readonly string[]).includes(mode)) continue;
    const s = locks.get(oid) ?? new Set<LockMode>();
    s.add(mode as LockMode);
    locks.set(oid, s);
  }
  const rels = new Map<string, RelInfo>();
  for (const [oid, name, relkind, relfilenode] of parseJson(row.rels) as [string, string, string, string][])
    rels.set(oid, { oid, name, relkind, relfilenode });
  const cols = new Map<string, ColInfo[]>();
  for (const [rel, attnum, name, type, notNull, hasDefault] of parseJson(row.cols) as [
    string,
    number,
    string,
    string,
    boolean,
    boolean,
  ][]) {
    const list = cols.get(rel) ?? [];
    list.push({ attnum: Number(attnum), name, type, notNull: !!notNull, hasDefault: !!hasDefault });
    cols.set(rel, list);
  }
  const cons = new Map<string, ConInfo[]>();
  for (const [oid, rel, name, type, validated] of parseJson(row.cons) as [string, string, string, string, boolean][]) {
    const list = cons.get(rel) ?? [];
    list.push({ oid, name, type, validated: !!validated });
    cons.set(rel, list);
  }
  return { locks, rels, cols, cons };
}

/** Every user relation with its columns and constraints, and this backend's locks: once, at the start. */
export function fullSnapshot(session: TraceSession): Promise<Snapshot> {
  return read(session, FULL_SQL);
}

const PREPARED = 'pgpf_locked_snapshot';

/**
 * Prepares the per-statement query once per session (PREPARE is a session object, not a change to the
 * database, and survives ROLLBACK): planning it is most of its cost, and it runs after every statement.
 */
export async function prepareSnapshots(session: TraceSession): Promise<void> {
  const have = await session.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_catalog.pg_prepared_statements WHERE name = $1`, [
    PREPARED,
  ]);
  if (!have[0]?.n) await session.exec(`PREPARE ${PREPARED} AS ${LOCKED_SQL}`);
}

/** This backend's locks, and the relations it holds locks on: after each statement (prepareSnapshots first). */
export function lockedSnapshot(session: TraceSession): Promise<Snapshot> {
  return read(session, `EXECUTE ${PREPARED}`);
}

const byStrength = (a: LockMode, b: LockMode) => lockStrength(a) - lockStrength(b);

/**
 * The running picture of the trace's transaction: the last known state of every relation, and the
 * locks held. `step()` takes the snapshot read after a statement and returns what the statement did.
 */
export class TransactionView {
  private rels: Map<string, RelInfo>;
  private cols: Map<string, ColInfo[]>;
  private cons: Map<string, ConInfo[]>;
  private locks: Map<string, Set<LockMode>>;
  /** Names of the relations that existed when the trace began. */
  readonly initialNames: Set<string>;

  constructor(initial: Snapshot) {
    this.rels = new Map(initial.rels);
    this.cols = new Map(initial.cols);
    this.cons = new Map(initial.cons);
    this.locks = new Map([...initial.locks].map(([k, v]) => [k, new Set(v)]));
    this.initialNames = new Set([...initial.rels.values()].map((r) => r.name));
  }

  /** relkind of a relation by name, as last seen (for comparisons of relations nobody observed). */
  relkindOf(name: string): string | undefined {
    for (const r of this.rels.values()) if (r.name === name) return r.relkind;
    return undefined;
  }

  /** The modes held on a relation (by name) right now. */
  heldOn(name: string): LockMode[] {
    const out = new Set<LockMode>();
    for (const [oid, modes] of this.locks) if (this.rels.get(oid)?.name === name) for (const m of modes) out.add(m);
    return [...out].sort(byStrength);
  }

  step(after: Snapshot): { observed: ObservedLock[]; changes: SchemaChange[] } {
    const before = this.rels;
    const afterByName = new Map([...after.rels.values()].map((r) => [r.name, r]));
    const groups = new Map<string, { oids: Set<string>; modes: Set<LockMode>; held: Set<LockMode> }>();
    const group = (name: string) => {
      let g = groups.get(name);
      if (!g) groups.set(name, (g = { oids: new Set(), modes: new Set(), held: new Set() }));
      return g;
    };
    for (const [oid, modes] of after.locks) {
      const name = before.get(oid)?.name ?? after.rels.get(oid)?.name;
      if (!name) continue; // a transient relation (the new heap of a rewrite) or a toast table
      const held = this.locks.get(oid) ?? new Set<LockMode>();
      const fresh = [...modes].filter((m) => !held.has(m));
      const b = before.get(oid);
      const a = after.rels.get(oid);
      const rewritten = !!(a && b && b.relfilenode !== '0' && a.relfilenode !== b.relfilenode);
      const dropped = !!b && !a;
      if (!fresh.length && !rewritten && !dropped) continue;
      const g = group(name);
      g.oids.add(oid);
      for (const m of fresh) g.modes.add(m);
      for (const m of held) g.held.add(m);
    }

    const observed: ObservedLock[] = [];
    for (const [name, g] of groups) {
      const b = [...g.oids].map((o) => before.get(o)).find(Boolean) ?? [...before.values()].find((r) => r.name === name);
      const a = (b && after.rels.get(b.oid)) ?? afterByName.get(name);
      const modes = [...g.modes].sort(byStrength);
      const o: ObservedLock = {
        relation: name,
        relkind: a?.relkind ?? b?.relkind ?? '?',
        mode: modes.length ? modes[modes.length - 1] : null,
        modes,
        rewrite: !!(a && b && b.relfilenode !== '0' && a.relfilenode !== b.relfilenode),
      };
      if (g.held.size) o.alreadyHeld = [...g.held].sort(byStrength);
      if (!b) o.created = true;
      if (b && !a) o.dropped = true;
      observed.push(o);
    }
    observed.sort((x, y) => relkindOrder(x.relkind) - relkindOrder(y.relkind) || x.relation.localeCompare(y.relation));

    const changes: SchemaChange[] = [];
    for (const [oid, a] of after.rels) {
      if (!before.has(oid) || !'rpmvf'.includes(a.relkind)) continue;
      changes.push(...columnChanges(a.name, this.cols.get(oid) ?? [], after.cols.get(oid) ?? []));
      changes.push(...constraintChanges(a.name, this.cons.get(oid) ?? [], after.cons.get(oid) ?? []));
    }

    // Advance the running state: what is locked now is what `after` describes.
    for (const oid of after.locks.keys()) {
      const a = after.rels.get(oid);
      if (a) {
        this.rels.set(oid, a);
        this.cols.set(oid, after.cols.get(oid) ?? []);
        this.cons.set(oid, after.cons.get(oid) ?? []);
      } else {
        this.rels.delete(oid);
        this.cols.delete(oid);
        this.cons.delete(oid);
      }
    }
    this.locks = new Map([...after.locks].map(([k, v]) => [k, new Set(v)]));
    return { observed, changes };
  }
}

function relkindOrder(k: string): number {
  return ({ p: 0, r: 1, m: 2, v: 3, f: 4, I: 5, i: 6, S: 7 } as Record<string, number>)[k] ?? 9;
}

function columnChanges(relation: string, before: ColInfo[], after: ColInfo[]): SchemaChange[] {
  const out: SchemaChange[] = [];
  const b = new Map(before.map((c) => [c.attnum, c]));
  const a = new Map(after.map((c) => [c.attnum, c]));
  const describe = (c: ColInfo) => `${c.type}${c.notNull ? ' NOT NULL' : ''}${c.hasDefault ? ' DEFAULT' : ''}`;
  for (const [n, c] of a) {
    const old = b.get(n);
    if (!old) {
      out.push({ kind: 'column', relation, name: c.name, change: 'added', detail: describe(c) });
      continue;
    }
    if (old.name !== c.name) out.push({ kind: 'column', relation, name: c.name, change: 'renamed', detail: `renamed from ${old.name}` });
    const parts: string[] = [];
    if (old.type !== c.type) parts.push(`type ${old.type} -> ${c.type}`);
    if (old.notNull !== c.notNull) parts.push(c.notNull ? 'SET NOT NULL' : 'DROP NOT NULL');
    if (old.hasDefault !== c.hasDefault) parts.push(c.hasDefault ? 'SET DEFAULT' : 'DROP DEFAULT');
    if (parts.length) out.push({ kind: 'column', relation, name: c.name, change: 'altered', detail: parts.join(', ') });
  }
  for (const [n, c] of b) if (!a.has(n)) out.push({ kind: 'column', relation, name: c.name, change: 'dropped', detail: describe(c) });
  return out;
}

const CONSTRAINT_KIND: Record<string, string> = {
  p: 'PRIMARY KEY',
  f: 'FOREIGN KEY',
  c: 'CHECK',
  u: 'UNIQUE',
  x: 'EXCLUDE',
  t: 'CONSTRAINT TRIGGER',
};

function constraintChanges(relation: string, before: ConInfo[], after: ConInfo[]): SchemaChange[] {
  const out: SchemaChange[] = [];
  const b = new Map(before.map((c) => [c.oid, c]));
  const a = new Map(after.map((c) => [c.oid, c]));
  const describe = (c: ConInfo) => `${CONSTRAINT_KIND[c.type] ?? c.type}${c.validated ? '' : ' NOT VALID'}`;
  for (const [oid, c] of a) {
    const old = b.get(oid);
    if (!old) out.push({ kind: 'constraint', relation, name: c.name, change: 'added', detail: describe(c) });
    else {
      if (old.name !== c.name)
        out.push({ kind: 'constraint', relation, name: c.name, change: 'renamed', detail: `renamed from ${old.name}` });
      if (old.validated !== c.validated)
        out.push({ kind: 'constraint', relation, name: c.name, change: 'altered', detail: c.validated ? 'validated' : 'marked NOT VALID' });
    }
  }
  for (const [oid, c] of b)
    if (!a.has(oid)) out.push({ kind: 'constraint', relation, name: c.name, change: 'dropped', detail: describe(c) });
  return out;
}
