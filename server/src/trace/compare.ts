// Observed versus predicted, per statement. The scope is the lock corpus test's
// (server/test/support/model-vs-observed.ts): tables, partitioned tables, materialized views and views
// (relkind r/p/m/v); for each, the strongest mode must match, and for tables and materialized views that
// existed when the trace began and still exist, the rewrite flag (relfilenode changed) must match.
// Index and sequence locks follow from their table's and are shown but not compared.
//
// What a trace cannot see, and so never calls a disagreement:
//   - a mode the transaction already held (an earlier statement took it): PostgreSQL lists it once;
//   - for sampled statements (no-transaction, on a server), a lock held only between two samples:
//     sampling is a lower bound, so only a stronger mode than predicted, or a lock the model does not
//     predict at all, is a disagreement there;
//   - locks the model says it could not analyse (dynamic EXECUTE): unpredicted locks are expected;
//   - locks that depend on the rows a statement writes (foreign key checks, trigger bodies of DML):
//     PostgreSQL takes them only per written row, so on an engine where no row matched they are absent
//     without the model being wrong (give a stats snapshot for synthetic rows to see them);
//   - locks a query takes on a partition or inheritance child only when its plan keeps it (pruning) or
//     a row is routed to it: the model predicts every one, the upper bound;
//   - a predicted lock on a relation the engine does not have (DROP INDEX IF EXISTS of an index no
//     migration made: production may have it, the engine cannot show what it would take there).
// Relations created earlier in the trace are compared on mode but not on rewrite (an empty new table's
// storage is replaced freely, e.g. TRUNCATE of a table created in the same transaction is done in place).
import { isPlanDependent } from '../core/locks';
import { lockStrength } from '../core/locks/modes';
import type { LockMode } from '../core/types';
import type { Disagreement, ObservedLock, PredictedLock, TraceHow } from './types';

export const COMPARED_RELKINDS = new Set(['r', 'p', 'm', 'v']);

export interface CompareInput {
  statementIndex: number;
  span: { start: number; end: number };
  how: TraceHow;
  observed: ObservedLock[];
  predicted: PredictedLock[];
  /** The model could not see into part of the statement (dynamic SQL). */
  blind?: boolean;
}

export interface CompareContext {
  /** relkind of a relation by name, when it exists (or existed) in the engine. */
  relkindOf(name: string): string | undefined;
  /** Modes the transaction holds on a relation, by name (after the statement). */
  heldOn(name: string): LockMode[];
  /** The relation existed when the trace began. */
  existedAtStart(name: string): boolean;
}

export function compareStatement(s: CompareInput, ctx: CompareContext): Disagreement[] {
  if (s.how === 'not-traced') return [];
  const sampled = s.how === 'sampled';
  const out: Disagreement[] = [];
  const predicted = new Map(s.predicted.map((p) => [p.relation, p]));
  const seen = new Set<string>();
  const add = (
    relation: string,
    observed: LockMode | null,
    predictedMode: LockMode | null,
    message: string,
    rewrite?: { observed: boolean; predicted: boolean },
  ) => {
    const d: Disagreement = { statementIndex: s.statementIndex, span: s.span, relation, observed, predicted: predictedMode, message };
    if (rewrite) {
      d.observedRewrite = rewrite.observed;
      d.predictedRewrite = rewrite.predicted;
    }
    out.push(d);
  };

  for (const o of s.observed) {
    if (!COMPARED_RELKINDS.has(o.relkind)) continue;
    seen.add(o.relation);
    const p = predicted.get(o.relation);
    const held = o.alreadyHeld ?? [];
    if (!p) {
      if (s.blind) continue;
      if (o.mode) add(o.relation, o.mode, null, `${o.relation}: observed ${o.mode}, the model predicts no lock`);
      else if (o.rewrite)
        add(o.relation, null, null, `${o.relation}: observed a rewrite, the model predicts no lock`, { observed: true, predicted: false });
      else if (o.dropped) add(o.relation, null, null, `${o.relation}: observed the relation dropped, the model predicts no lock`);
      continue;
    }
    if (o.mode === null) {
      if (!sampled && !held.includes(p.mode) && !rowDependent(p))
        add(o.relation, null, p.mode, `${o.relation}: observed no new lock, the model predicts ${p.mode} (not held before)`);
    } else if (o.mode !== p.mode) {
      if (lockStrength(o.mode) > lockStrength(p.mode))
        add(o.relation, o.mode, p.mode, `${o.relation}: observed ${o.mode}, the model predicts ${p.mode}`);
      else if (!sampled && !held.includes(p.mode))
        add(o.relation, o.mode, p.mode, `${o.relation}: observed ${o.mode}, the model predicts ${p.mode}`);
    }
    const existing = !o.created && !o.dropped && ctx.existedAtStart(o.relation);
    if (existing && (o.relkind === 'r' || o.relkind === 'm') && p.rewrite !== o.rewrite) {
      add(
        o.relation,
        o.mode,
        p.mode,
        `${o.relation}: observed ${o.rewrite ? 'a rewrite' : 'no rewrite'}, the model predicts ${p.rewrite ? 'a rewrite' : 'no rewrite'}`,
        { observed: o.rewrite, predicted: p.rewrite },
      );
    }
  }

  if (!sampled) {
    for (const p of s.predicted) {
      if (seen.has(p.relation)) continue;
      const kind = ctx.relkindOf(p.relation) ?? s.observed.find((o) => o.relation === p.relation)?.relkind;
      if (!kind) continue; // not on the engine: nothing to verify against
      if (!COMPARED_RELKINDS.has(kind)) continue;
      if (ctx.heldOn(p.relation).includes(p.mode)) continue; // taken again: invisible
      if (rowDependent(p)) continue;
      add(p.relation, null, p.mode, `${p.relation}: the model predicts ${p.mode}, observed no lock`);
    }
  }
  return out;
}

/**
 * A lock the model predicts only for rows the statement actually writes (FK checks, DML trigger bodies),
 * or for the partitions its plan keeps.
 */
export function rowDependent(p: PredictedLock): boolean {
  return (/FOR KEY SHARE|^trigger function /.test(p.why) && !/validat/i.test(p.why)) || isPlanDependent(p.why);
}
