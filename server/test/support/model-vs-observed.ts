// Compares the static lock model with what PostgreSQL really did for one corpus form.
// Scope: tables, partitioned tables, materialized views, views and foreign tables (relkind r/p/m/v/f) — the relations the
// model speaks about. For each: the strongest mode must match exactly; for existing tables and
// materialized views the rewrite flag (relfilenode changed) must match; and where the lock is SHARE
// UPDATE EXCLUSIVE or stronger on an existing table, the scan flag (a sequential scan counted by
// pg_stat_xact_user_tables) must match too. Index and sequence locks follow from their table's.
import * as fs from 'fs';
import { analyze } from '../../src/core/analyze';
import { LOCK_MODES, type LockMode } from '../../src/core/types';
import type { CorpusForm, Observation } from './observe';
import { locksFixturePath } from './observe';

const COMPARED_KINDS = new Set(['r', 'p', 'm', 'v', 'f']);

export interface Predicted {
  relation: string;
  mode: LockMode;
  rewrite: boolean;
  scan: boolean;
  emptiesTable: boolean;
}

let schemaText: string | undefined;

/**
 * What the model says the form does. schema.sql is an earlier migration; the form's setup runs in the
 * same session right before it (as the observer runs it), and only the form's own statements count.
 */
export function predictForm(form: CorpusForm, pgVersion: number): { locks: Predicted[]; notAnalysed: string[] } {
  schemaText ??= fs.readFileSync(locksFixturePath('schema.sql'), 'utf8');
  const setup = form.setup.map((s) => (s.trim().endsWith(';') ? s : `${s};`)).join('\n');
  // The observer runs a form inside a transaction block unless it cannot run in one: so does the model
  // (SET LOCAL, for one, only lasts inside it).
  const prefix = (form.noTransaction ? '' : 'BEGIN;\n') + (setup ? `${setup}\n` : '');
  const a = analyze({ text: prefix + form.sql, path: 'corpus.sql', pgVersion, priorFiles: [{ path: 'schema.sql', text: schemaText }] });
  const byRelation = new Map<string, Predicted>();
  const notAnalysed: string[] = [];
  for (const st of a.statements) {
    if (st.span.start < prefix.length) continue;
    notAnalysed.push(...(st.notAnalysed ?? []));
    for (const l of st.locks) {
      const prev = byRelation.get(l.relation);
      if (!prev)
        byRelation.set(l.relation, {
          relation: l.relation,
          mode: l.mode,
          rewrite: l.rewrite,
          scan: l.scan,
          emptiesTable: !!l.emptiesTable,
        });
      else {
        if (LOCK_MODES.indexOf(l.mode) > LOCK_MODES.indexOf(prev.mode)) prev.mode = l.mode;
        prev.rewrite ||= l.rewrite;
        prev.scan ||= l.scan;
        prev.emptiesTable ||= !!l.emptiesTable;
      }
    }
  }
  return { locks: [...byRelation.values()], notAnalysed };
}

/** Disagreements between model and observation, one line each; empty when they agree. */
export function disagreements(form: CorpusForm, observed: Observation, pgVersion: number): string[] {
  if (observed.error || observed.skipped || observed.notTraced) return [];
  const prediction = predictForm(form, pgVersion);
  const predicted = new Map(prediction.locks.map((p) => [p.relation, p]));
  // Where the model says it could not see inside (dynamic EXECUTE), an unpredicted lock is expected.
  const blind = prediction.notAnalysed.some((n) => /dynamic EXECUTE/.test(n));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const o of observed.relations) {
    if (!COMPARED_KINDS.has(o.relkind)) continue;
    seen.add(o.relation);
    const p = predicted.get(o.relation);
    if (!p) {
      if (!blind) out.push(`${o.relation}: observed ${o.mode}, model predicts no lock`);
      continue;
    }
    if (p.mode !== o.mode) out.push(`${o.relation}: observed ${o.mode}, model predicts ${p.mode}`);
    const existing = !o.created && !o.dropped;
    if (existing && (o.relkind === 'r' || o.relkind === 'm') && p.rewrite !== o.rewrite)
      out.push(`${o.relation}: observed rewrite=${o.rewrite}, model predicts rewrite=${p.rewrite}`);
    const scanMatters =
      existing &&
      o.relkind === 'r' &&
      LOCK_MODES.indexOf(o.mode as LockMode) >= LOCK_MODES.indexOf('ShareUpdateExclusiveLock') &&
      o.scan !== undefined &&
      !observed.sampled;
    if (scanMatters && !p.emptiesTable && p.scan !== o.scan)
      out.push(`${o.relation}: observed scan=${o.scan}, model predicts scan=${p.scan}`);
  }
  for (const p of predicted.values()) {
    if (seen.has(p.relation)) continue;
    // Sampled (no-transaction) observations are a lower bound; only in-transaction ones prove absence.
    if (observed.sampled) continue;
    const kind = observed.relations.find((r) => r.relation === p.relation)?.relkind;
    if (kind && !COMPARED_KINDS.has(kind)) continue;
    out.push(`${p.relation}: model predicts ${p.mode}, observed no lock`);
  }
  return out;
}
