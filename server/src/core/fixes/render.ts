// Step files from pieces: which pieces share a file, the file's body (runner frame, transaction, safety
// header, SQL) and its header comment (locks, why safe, deploy phase, reverse). Shared by the split
// engine and the quick fixes. Pure.
import type { Settings } from '@pg-preflight/shared';
import type { RunnerConvention } from '../migrations/runners';
import { companionFiles, noTransactionDirective, runnerFrame } from './files';
import type { Piece, Stage } from './patterns';
import { commentLines, quoteLiteral } from './sqltext';
import type { SplitPhase, SplitStep } from './types';

/** Stands for the step's own name inside backfill SQL until the name is known. */
export const JOB_MARK = '@@pgpf_job@@';

export function jobName(stepName: string): string {
  return stepName
    .replace(/^\.\.\//, '')
    .replace(/\/migration\.sql$/, '')
    .replace(/(\.up)?\.sql$/, '');
}

export interface FileDraft {
  stage: Stage;
  pieces: Piece[];
  transactional: boolean;
}

export function draftsOf(round: Piece[]): FileDraft[] {
  const out: FileDraft[] = [];
  const byStage = (s: Stage) => round.filter((p) => p.stage === s);
  const grouped = (s: Stage) => {
    const ps = byStage(s);
    if (ps.length) out.push({ stage: s, pieces: ps, transactional: true });
  };
  grouped(0);
  for (const s of [1, 2, 3] as Stage[]) for (const p of byStage(s)) out.push({ stage: s, pieces: [p], transactional: false });
  grouped(4);
  grouped(5);
  grouped(6);
  grouped(7);
  return out;
}

export function phaseOf(d: FileDraft): SplitPhase {
  if (d.stage === 7) return 'contract';
  if (d.stage === 2) return 'backfill';
  if (d.stage === 4 || d.stage === 5) return 'validate';
  if (d.pieces.some((p) => p.phase === 'expand')) return 'expand';
  return d.pieces[0]?.phase ?? 'migrate';
}

export function suffixOf(d: FileDraft): string {
  if (d.stage === 0) return d.pieces.some((p) => p.phase === 'expand') ? 'expand' : 'migrate';
  if (d.stage === 4) return d.pieces.length === 1 ? d.pieces[0].suffix : 'not_null_checks';
  if (d.stage === 5) return d.pieces.length === 1 ? d.pieces[0].suffix : 'validate_constraints';
  if (d.stage === 6) return d.pieces.length === 1 ? d.pieces[0].suffix : 'set_not_null_and_attach';
  if (d.stage === 7) return d.pieces.length === 1 ? d.pieces[0].suffix : 'contract';
  return d.pieces[0].suffix;
}

export interface RenderedBody {
  frame: { first?: string; last?: string };
  /** Safety header + SQL (+ BEGIN/COMMIT for runners that do not wrap). */
  sqlBody: string;
  /** The text the lock model analyses: frame + body. */
  analysisText: string;
  explicitTx: boolean;
}

export function renderBody(d: FileDraft, runner: RunnerConvention, settings: Settings, job: string): RenderedBody {
  const frame = runnerFrame(runner, !d.transactional);
  const body: string[] = [];
  const explicitTx = d.transactional && !runner.wrapsInTransaction;
  if (d.transactional) {
    if (explicitTx) body.push('BEGIN;');
    body.push(`SET LOCAL lock_timeout = ${quoteLiteral(settings.lockTimeout)};`);
    body.push(
      d.stage === 5
        ? 'SET LOCAL statement_timeout = 0;  -- VALIDATE scans without blocking traffic; do not cut it off'
        : `SET LOCAL statement_timeout = ${quoteLiteral(settings.statementTimeout)};`,
    );
    body.push('');
  }
  body.push(d.pieces.map((p) => p.sql.split(JOB_MARK).join(job)).join('\n\n'));
  if (explicitTx) body.push('', 'COMMIT;');
  const sqlBody = body.join('\n');
  const analysisText = [frame.first, sqlBody, frame.last].filter((x) => x !== undefined).join('\n') + '\n';
  return { frame, sqlBody, analysisText, explicitTx };
}

export interface RenderOptions {
  name: string;
  job: string;
  /** 0-based position of the step and the number of steps. */
  index: number;
  total: number;
  /** The input file's name. */
  baseName: string;
  runner: RunnerConvention;
  body: RenderedBody;
  /** Lock lines for the header (from the lock model); empty: the pieces' reasons stand alone. */
  locks: string[];
  eol: string;
  /** Name of the step before this one. */
  previous?: string;
  /** First header line; default "pg-preflight split of <input>: step i of n". */
  title?: string;
}

export function renderStep(d: FileDraft, o: RenderOptions): SplitStep {
  const nonTx = !d.transactional;
  const phase = phaseOf(d);
  const reverses = [
    ...new Set(
      [...d.pieces]
        .reverse()
        .map((p) => p.reverse)
        .filter(Boolean),
    ),
  ];
  const reverse = reverses.join('\n');
  const notes = [...new Set(d.pieces.map((p) => p.deployNote).filter((x): x is string => !!x))];
  const deployNote = notes.length
    ? notes.join('; ')
    : o.index === 0
      ? undefined
      : o.previous
        ? `after ${o.previous} has succeeded`
        : undefined;
  const directive = nonTx ? noTransactionDirective(o.runner) : undefined;
  const txLine = d.transactional
    ? o.body.explicitTx
      ? 'Runs in one transaction (BEGIN ... COMMIT below).'
      : `Runs in one transaction (${o.runner.title} wraps the file).`
    : directive
      ? `Runs outside a transaction ("${directive}"), as the statement requires.`
      : o.runner.id === 'flyway'
        ? `Runs outside a transaction (${o.name}.conf: executeInTransaction=false), as the statement requires.`
        : o.runner.wrapsInTransaction
          ? `Runs outside a transaction: it is the only statement in the file, so ${o.runner.title} sends it on its own.`
          : 'Runs outside a transaction (no BEGIN), as the statement requires.';
  const header = [
    o.title ?? `pg-preflight split of ${o.baseName}: step ${o.index + 1} of ${o.total}, phase: ${phase}`,
    ...d.pieces.map((p) => `- ${p.title}`),
    txLine,
    ...(o.locks.length ? ['Locks:', ...o.locks.map((l) => `  ${l}`)] : []),
    `Why it is safe: ${[...new Set(d.pieces.map((p) => p.why))].join('; ')}`,
    `Deploy: ${deployNote ?? 'with the current application version'}`,
    ...(reverses.length > 1 ? ['Reverse (in this order):', ...reverses.map((r) => `  ${r}`)] : [`Reverse: ${reverse}`]),
    ...dedupeNotes(d.pieces),
  ];
  const parts: string[] = [];
  if (o.body.frame.first) parts.push(o.body.frame.first);
  parts.push(commentLines(header), '', o.body.sqlBody);
  if (o.body.frame.last) parts.push('', o.body.frame.last);
  const sql = parts.join('\n').split(JOB_MARK).join(o.job).replace(/\n/g, o.eol) + o.eol;
  const step: SplitStep = {
    name: o.name,
    sql,
    transactional: d.transactional,
    phase,
    locks: o.locks.join('\n'),
    reverse,
    sourceStatements: [...new Set(d.pieces.map((p) => p.source))],
  };
  const checks = [...new Set(d.pieces.flatMap((p) => p.checks ?? []))];
  if (checks.length) step.checks = checks;
  if (directive) step.directive = directive;
  if (deployNote) step.deployNote = deployNote;
  if (o.index === 0) step.replacesInput = true;
  const companions = companionFiles(o.runner, o.name, nonTx);
  if (companions.length) step.companionFiles = companions;
  return step;
}

function dedupeNotes(pieces: Piece[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of pieces) {
    if (!p.notes?.length) continue;
    const key = p.notes.join('\n');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push('', ...p.notes);
  }
  return out;
}
