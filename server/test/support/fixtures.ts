// Loads rule fixtures: test-fixtures/rules/<id>/{bad,ok}.sql with optional context.json, prior.sql and
// app/ files, and turns "-- ^^^ <rule-id>" marker lines into expected findings.
import * as fs from 'fs';
import * as path from 'path';
import { normalizeSettings, validateStatsSnapshot, type StatsSnapshot } from '@pg-preflight/shared';
import type { AnalyzeInput } from '../../src/core/analyze';

export const REPO = path.resolve(__dirname, '../../../..');
export const RULE_FIXTURES = path.join(REPO, 'test-fixtures/rules');

export interface FixtureContext {
  /** Virtual path of the fixture file (runner detection); default migrations/20240101000000_fixture.sql. */
  path?: string;
  pgVersion?: number;
  settings?: Record<string, unknown>;
  /** false: analyse without the shared stats snapshot. */
  stats?: boolean | string;
  siblingNames?: string[];
  isMigration?: boolean;
}

export function loadStats(file = path.join(RULE_FIXTURES, 'stats.json')): StatsSnapshot {
  const v = validateStatsSnapshot(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!v.ok) throw new Error(`${file}: ${v.error}`);
  return v.snapshot;
}

/** The analyze() input for one fixture file of a rule. */
export function fixtureInput(ruleId: string, fileName: 'bad.sql' | 'ok.sql' | string, text?: string): AnalyzeInput {
  const dir = path.join(RULE_FIXTURES, ruleId);
  const ctxFile = path.join(dir, 'context.json');
  const ctx: FixtureContext = fs.existsSync(ctxFile) ? JSON.parse(fs.readFileSync(ctxFile, 'utf8')) : {};
  const { settings, problems } = normalizeSettings(ctx.settings ?? {});
  if (problems.length) throw new Error(`${ctxFile}: ${problems.join('; ')}`);
  const priorFile = path.join(dir, 'prior.sql');
  const appDir = path.join(dir, 'app');
  const appFiles = fs.existsSync(appDir)
    ? fs
        .readdirSync(appDir, { recursive: true })
        .map(String)
        .filter((f) => fs.statSync(path.join(appDir, f)).isFile())
        .map((f) => ({ path: `app/${f}`, text: fs.readFileSync(path.join(appDir, f), 'utf8') }))
    : [];
  const stats = ctx.stats === false ? undefined : loadStats(typeof ctx.stats === 'string' ? path.join(dir, ctx.stats) : undefined);
  return {
    text: text ?? fs.readFileSync(path.join(dir, fileName), 'utf8'),
    path: ctx.path ?? 'migrations/20240101000000_fixture.sql',
    settings,
    stats,
    pgVersion: ctx.pgVersion,
    priorFiles: fs.existsSync(priorFile) ? [{ path: 'migrations/20230101000000_prior.sql', text: fs.readFileSync(priorFile, 'utf8') }] : [],
    siblingNames: ctx.siblingNames,
    appFiles,
    isMigration: ctx.isMigration,
  };
}

/** Lines (0-based) that "-- ^^^ <rule>" markers point at: the nearest non-marker line above each marker. */
export function expectedLines(text: string, ruleId: string): number[] {
  const lines = text.split(/\r?\n/);
  const out: number[] = [];
  const isMarker = (l: string) => /^\s*--\s*\^+\s/.test(l);
  lines.forEach((line, i) => {
    const m = /^\s*--\s*\^+\s+([\w-]+)/.exec(line);
    if (!m || m[1] !== ruleId) return;
    let j = i - 1;
    while (j >= 0 && isMarker(lines[j])) j--;
    out.push(j);
  });
  return out.sort((a, b) => a - b);
}
