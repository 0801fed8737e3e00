// Statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY, REINDEX CONCURRENTLY, DROP INDEX
// CONCURRENTLY, DETACH PARTITION CONCURRENTLY, VACUUM), on a scratch server, when the caller allows it:
// the statement runs for real on its own connection while a second connection samples pg_locks for its
// backend every few milliseconds, then pg-preflight undoes what it did. Run after the trace's
// transaction was rolled back, so it sees the schema as it was before the migration.
//
// A third connection makes the statement wait long enough to be sampled: it opens a REPEATABLE READ
// transaction (a snapshot that CONCURRENTLY waits for) and takes ROW EXCLUSIVE on the tables the model
// says the statement locks (which CONCURRENTLY's "wait for writers" phase, DROP INDEX CONCURRENTLY and
// the ACCESS EXCLUSIVE of VACUUM FULL or DETACH wait for). It is released once the statement has been
// seen blocked by it a few times, or after a second, well within lock_timeout. Locks held only between
// two samples can be missed: a sampled observation is a lower bound, and is compared as one.
//
// Only statements pg-preflight knows how to undo are run at all:
//   CREATE [UNIQUE] INDEX CONCURRENTLY  -> DROP INDEX CONCURRENTLY of the index it built (also an invalid one)
//   REINDEX ... CONCURRENTLY            -> nothing to undo (leftover _ccnew/_ccold indexes of a failure are dropped)
//   DROP INDEX CONCURRENTLY             -> the index re-created (CONCURRENTLY) from pg_get_indexdef
//   ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY -> ATTACH PARTITION again with the same bound
//   VACUUM [FULL] [ANALYZE], ANALYZE    -> nothing to undo (no schema or data change)
import { listName, qualify, rangeVarName, strings, unwrap, type Node } from '../core/syntax/ast';
import { LOCK_MODES, type LockMode } from '../core/types';
import { compareStatement } from './compare';
import { since, sqlErrorOf, serverSession, type PgClientLike, type TraceSession } from './engine';
import { fullSnapshot, type RelInfo } from './observe';
import { mapError } from './replay';
import type { Disagreement, ObservedLock, PredictedLock, TracedStatement } from './types';

export type UndoPlan =
  | {
      ok: true;
      kind: 'drop-new-indexes' | 'none' | 'recreate-indexes' | 'reattach';
      indexes?: string[];
      parent?: string;
      partition?: string;
    }
  | { ok: false; why: string };

/** How a no-transaction statement's effect is undone, or why it cannot be. */
export function undoPlanFor(ast: Node | undefined, major: number): UndoPlan {
  const [kind, node] = unwrap(ast);
  switch (kind) {
    case 'IndexStmt':
      return { ok: true, kind: 'drop-new-indexes' };
    case 'ReindexStmt': {
      const k = String(node.kind);
      if (k === 'REINDEX_OBJECT_INDEX' || k === 'REINDEX_OBJECT_TABLE') return { ok: true, kind: 'drop-new-indexes' };
      return { ok: false, why: 'REINDEX SCHEMA/DATABASE/SYSTEM is not run on your behalf' };
    }
    case 'DropStmt':
      if (node.removeType === 'OBJECT_INDEX' && node.concurrent) {
        const names = (node.objects ?? []).map((o: Node) => qualify(listName(strings(o?.List?.items))));
        return { ok: true, kind: 'recreate-indexes', indexes: names };
      }
      return { ok: false, why: `${kind} is not undoable` };
    case 'AlterTableStmt': {
      const cmds: Node[] = (node.cmds ?? []).map((c: Node) => c?.AlterTableCmd ?? {});
      const detach = cmds.length === 1 && cmds[0].subtype === 'AT_DetachPartition' && cmds[0].def?.PartitionCmd?.concurrent;
      if (detach && major >= 14) {
        return {
          ok: true,
          kind: 'reattach',
          parent: qualify(rangeVarName(node.relation)),
          partition: qualify(rangeVarName(cmds[0].def.PartitionCmd.name)),
        };
      }
      return { ok: false, why: 'only DETACH PARTITION ... CONCURRENTLY, alone in its ALTER TABLE, is undone' };
    }
    case 'VacuumStmt': {
      if (!(node.rels ?? []).length) return { ok: false, why: 'VACUUM of the whole database is not run on your behalf' };
      return { ok: true, kind: 'none' };
    }
    default:
      return { ok: false, why: `${kind.replace(/Stmt$/, '') || 'this statement'} changes the server in a way pg-preflight does not undo` };
  }
}

interface ClientLike extends PgClientLike {
  end(): Promise<void>;
}

export interface SampleInput {
  connect(purpose: string): Promise<unknown>;
  limits(session: TraceSession): Promise<void>;
  unit: {
    index: number;
    span: { start: number; end: number };
    sql: string;
    label: string;
    ast?: Node;
    predicted: PredictedLock[];
    blind: boolean;
  };
  plan: Extract<UndoPlan, { ok: true }>;
  existedAtStart: Set<string>;
  /** Release a holder after it was seen blocking this many samples (default 5). */
  blockedSamples?: number;
  /** Release every holder after this long regardless (default 1000 ms; keep below lock_timeout). */
  holdMs?: number;
}

const SAMPLE_SQL = `
  SELECT l.locktype, l.relation::text AS oid, l.mode, l.granted,
         n.nspname || '.' || c.relname AS name, c.relkind::text AS relkind,
         (n.nspname IN ('pg_catalog', 'information_schema') OR n.nspname LIKE 'pg\\_toast%') AS system
  FROM pg_catalog.pg_locks l
  LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE l.pid = $1`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
const quoteName = (qualified: string) => {
  const i = qualified.indexOf('.');
  return `${quoteIdent(qualified.slice(0, i))}.${quoteIdent(qualified.slice(i + 1))}`;
};

export async function sampleOutsideTransaction(
  input: SampleInput,
): Promise<{ statement: Partial<TracedStatement>; disagreements: Disagreement[] }> {
  const { unit, plan } = input;
  const clients: ClientLike[] = [];
  const open = async (purpose: string) => {
    const c = (await input.connect(purpose)) as ClientLike;
    clients.push(c);
    return { client: c, session: await serverSession(c) };
  };
  try {
    const runner = await open('statement');
    const sampler = await open('sampler');
    const holder = await open('holder');
    await input.limits(runner.session);
    await input.limits(sampler.session);
    await input.limits(holder.session);
    const sq = sampler.session;

    const before = (await fullSnapshot(sq)).rels;
    const beforeByName = new Map([...before.values()].map((r) => [r.name, r]));
    // What the undo needs, read before the statement runs.
    const indexDefs: string[] = [];
    if (plan.kind === 'recreate-indexes') {
      for (const name of plan.indexes ?? []) {
        const r = await sq.query<{ def: string | null }>(`SELECT pg_catalog.pg_get_indexdef(to_regclass($1)) AS def`, [quoteName(name)]);
        if (r[0]?.def) indexDefs.push(r[0].def);
      }
    }
    let bound: string | undefined;
    if (plan.kind === 'reattach') {
      const r = await sq.query<{ b: string | null }>(
        `SELECT pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS b FROM pg_catalog.pg_class c WHERE c.oid = to_regclass($1)`,
        [quoteName(plan.partition as string)],
      );
      bound = r[0]?.b ?? undefined;
    }

    let partitionConstraints: string[] = [];
    if (plan.kind === 'reattach') {
      const r = await sq.query<{ n: string }>(`SELECT conname AS n FROM pg_catalog.pg_constraint WHERE conrelid = to_regclass($1)`, [
        quoteName(plan.partition as string),
      ]);
      partitionConstraints = r.map((x) => x.n);
    }

    // The holder: a snapshot, and ROW EXCLUSIVE on the tables the statement is predicted to lock (for a
    // predicted index, on its table).
    await holder.session.exec('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await holder.session.query('SELECT 1');
    const held = new Set<string>();
    for (const p of unit.predicted) {
      const rel = beforeByName.get(p.relation);
      if (!rel) continue;
      let table: string | undefined = 'rpm'.includes(rel.relkind) ? rel.name : undefined;
      if (rel.relkind === 'i' || rel.relkind === 'I') {
        const t = await sq.query<{ t: string }>(
          `SELECT n.nspname || '.' || c.relname AS t FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE i.indexrelid = $1::oid`,
          [rel.oid],
        );
        table = t[0]?.t;
      }
      if (!table || held.has(table)) continue;
      held.add(table);
      await holder.session.query(`LOCK TABLE ${quoteName(table)} IN ROW EXCLUSIVE MODE`).catch(() => undefined);
    }
    let holding = true;
    const release = async () => {
      if (!holding) return;
      holding = false;
      await holder.session.exec('ROLLBACK').catch(() => undefined);
    };

    let done = false;
    let failure: unknown;
    const t0 = performance.now();
    const run = runner.session.query(unit.sql).then(
      () => void (done = true),
      (err) => {
        failure = err;
        done = true;
      },
    );
    const seen = new Map<string, { oid: string; mode: LockMode; name?: string; relkind?: string; waited?: boolean }>();
    const waitedOn = new Set<string>();
    let samples = 0;
    let waitSeen = false;
    let blocked = 0;
    const holdMs = input.holdMs ?? 1000;
    while (!done) {
      const rows = await sq.query<{
        locktype: string;
        oid: string | null;
        mode: string;
        granted: boolean;
        name: string | null;
        relkind: string | null;
        system: boolean | null;
      }>(SAMPLE_SQL, [runner.session.pid]);
      samples++;
      let waiting = false;
      for (const r of rows) {
        if (!r.granted) {
          waiting = true;
          waitedOn.add(r.locktype);
        }
        if (r.locktype !== 'relation' || !r.oid || r.system || Number(r.oid) < 16384) continue;
        if (!(LOCK_MODES as readonly string[]).includes(r.mode)) continue;
        const key = `${r.oid}/${r.mode}`;
        const e = seen.get(key) ?? { oid: r.oid, mode: r.mode as LockMode };
        if (r.name) {
          e.name = r.name;
          e.relkind = r.relkind ?? undefined;
        }
        if (!r.granted) e.waited = true;
        seen.set(key, e);
      }
      if (waiting) {
        waitSeen = true;
        if (holding) {
          const b = await sq.query<{ b: number[] }>(`SELECT pg_catalog.pg_blocking_pids($1) AS b`, [runner.session.pid]);
          if ((b[0]?.b ?? []).map(Number).includes(holder.session.pid) && ++blocked >= (input.blockedSamples ?? 5)) await release();
        }
      }
      if (holding && performance.now() - t0 > holdMs) await release();
      await sleep(2);
    }
    await release();
    await run;
    const elapsedMs = since(t0);
    const after = (await fullSnapshot(sq)).rels;
    const observed = buildObserved([...seen.values()], before, after);

    // Undo, whatever happened (a failed CONCURRENTLY leaves an invalid index behind).
    const undo = await undoStatement(runner.session, plan, before, after, indexDefs, bound, partitionConstraints).catch(
      (err) => `undo FAILED: ${sqlErrorOf(err).message}: the scratch database was changed`,
    );

    const sampling = { samples, waitSeen, waitedOn: [...waitedOn].sort(), ...(undo ? { undo } : {}) };
    if (failure) {
      const info = sqlErrorOf(failure);
      // It ran on the schema as it was before the migration: what earlier statements create is not there.
      if (['42P01', '42703', '42704', '3F000'].includes(info.code ?? '')) {
        return {
          statement: {
            traced: false,
            how: 'not-traced',
            notTracedReason: `not traced: it needs what earlier statements of this migration create, and those were rolled back before it could run on its own (PostgreSQL: ${info.message})`,
            elapsedMs: null,
            sampling,
          },
          disagreements: [],
        };
      }
      const error = mapError(info, unit.span, unit.sql);
      return {
        statement: { traced: false, how: 'sampled', notTracedReason: undefined, elapsedMs, observed, error, sampling },
        disagreements: [],
      };
    }
    const disagreements = compareStatement(
      { statementIndex: unit.index, span: unit.span, how: 'sampled', observed, predicted: unit.predicted, blind: unit.blind },
      {
        relkindOf: (n) => after.get([...after.values()].find((r) => r.name === n)?.oid ?? '')?.relkind ?? beforeByName.get(n)?.relkind,
        heldOn: () => [],
        existedAtStart: (n) => input.existedAtStart.has(n),
      },
    );
    return { statement: { traced: true, how: 'sampled', notTracedReason: undefined, elapsedMs, observed, sampling }, disagreements };
  } catch (err) {
    const error = mapError(sqlErrorOf(err), unit.span, unit.sql);
    error.note = 'pg-preflight could not sample this statement';
    return { statement: { traced: false, how: 'sampled', notTracedReason: undefined, elapsedMs: null, error }, disagreements: [] };
  } finally {
    for (const c of clients) await c.end().catch(() => undefined);
  }
}

function buildObserved(
  locks: { oid: string; mode: LockMode; name?: string; relkind?: string; waited?: boolean }[],
  before: Map<string, RelInfo>,
  after: Map<string, RelInfo>,
): ObservedLock[] {
  const afterByName = new Map([...after.values()].map((r) => [r.name, r]));
  const beforeByName = new Map([...before.values()].map((r) => [r.name, r]));
  const groups = new Map<string, { modes: Set<LockMode>; relkind?: string; waited: boolean }>();
  for (const l of locks) {
    const name = before.get(l.oid)?.name ?? after.get(l.oid)?.name ?? l.name;
    if (!name) continue;
    const g = groups.get(name) ?? { modes: new Set<LockMode>(), waited: false };
    g.modes.add(l.mode);
    g.relkind ??= before.get(l.oid)?.relkind ?? after.get(l.oid)?.relkind ?? l.relkind;
    if (l.waited) g.waited = true;
    groups.set(name, g);
  }
  const out: ObservedLock[] = [];
  for (const [name, g] of groups) {
    const b = beforeByName.get(name);
    const a = (b && after.get(b.oid)) ?? afterByName.get(name);
    const modes = [...g.modes].sort((x, y) => LOCK_MODES.indexOf(x) - LOCK_MODES.indexOf(y));
    const o: ObservedLock = {
      relation: name,
      relkind: a?.relkind ?? b?.relkind ?? g.relkind ?? '?',
      mode: modes[modes.length - 1] ?? null,
      modes,
      rewrite: !!(a && b && b.relfilenode !== '0' && a.relfilenode !== b.relfilenode),
    };
    if (!b) o.created = true;
    if (b && !a) o.dropped = true;
    if (g.waited) o.waited = true;
    out.push(o);
  }
  return out.sort((x, y) => x.relation.localeCompare(y.relation));
}

async function undoStatement(
  runner: TraceSession,
  plan: Extract<UndoPlan, { ok: true }>,
  before: Map<string, RelInfo>,
  after: Map<string, RelInfo>,
  indexDefs: string[],
  bound: string | undefined,
  partitionConstraints: string[],
): Promise<string | undefined> {
  const done: string[] = [];
  if (plan.kind === 'drop-new-indexes') {
    // By name: REINDEX CONCURRENTLY gives the rebuilt index a new oid under its old name (keep it);
    // what is new by name is the index CREATE INDEX CONCURRENTLY built, or a failure's _ccnew leftover.
    const beforeNames = new Set([...before.values()].map((r) => r.name));
    for (const r of after.values()) {
      if (beforeNames.has(r.name) || (r.relkind !== 'i' && r.relkind !== 'I')) continue;
      await runner.exec(`DROP INDEX CONCURRENTLY IF EXISTS ${quoteName(r.name)}`);
      done.push(`dropped the index ${r.name} it built`);
    }
  } else if (plan.kind === 'recreate-indexes') {
    for (const def of indexDefs) {
      const m = /^CREATE (UNIQUE )?INDEX (\S+) ON /.exec(def);
      if (!m) continue;
      const exists = await runner.query<{ r: string | null }>(`SELECT to_regclass($1)::text AS r`, [m[2]]).catch(() => [{ r: null }]);
      if (exists[0]?.r) continue;
      await runner.exec(def.replace(/^CREATE (UNIQUE )?INDEX /, (_x, u: string | undefined) => `CREATE ${u ?? ''}INDEX CONCURRENTLY `));
      done.push(`re-created the index ${m[2]} it dropped`);
    }
  } else if (plan.kind === 'reattach' && plan.parent && plan.partition && bound) {
    const still = await runner.query<{ p: boolean }>(
      `SELECT c.relispartition AS p FROM pg_catalog.pg_class c WHERE c.oid = to_regclass($1)`,
      [quoteName(plan.partition)],
    );
    if (still[0] && !still[0].p) {
      await runner.exec(`ALTER TABLE ${quoteName(plan.parent)} ATTACH PARTITION ${quoteName(plan.partition)} ${bound}`);
      done.push(`attached ${plan.partition} to ${plan.parent} again`);
      // DETACH ... CONCURRENTLY leaves a CHECK constraint copying the bound on the partition: drop it.
      const now = await runner.query<{ n: string }>(`SELECT conname AS n FROM pg_catalog.pg_constraint WHERE conrelid = to_regclass($1)`, [
        quoteName(plan.partition),
      ]);
      for (const c of now) {
        if (partitionConstraints.includes(c.n)) continue;
        await runner.exec(`ALTER TABLE ${quoteName(plan.partition)} DROP CONSTRAINT ${quoteIdent(c.n)}`);
        done.push(`dropped the constraint ${c.n} the detach added`);
      }
    }
  }
  return done.length ? done.join('; ') : undefined;
}
