// Machine output, a documented and stable shape (docs/cli.md, schema: server/schemas/check-output.schema.json):
//   {version: 1, files: [{path, riskScore, pgVersion, runner,
//     statements: [{range, kind, label, transactional, locks: [{relation, mode, blocks, rewrite, scan, estimatedSeconds}]}],
//     findings: [{rule, severity, message, range, help?, fix?, related?}]}]}
// Ranges are LSP style: 0-based line and character, character in UTF-16 code units, end exclusive.
// estimatedSeconds is null when the table size is unknown. Adding optional fields is compatible;
// anything else bumps `version`.
import type { Range } from '../../core/syntax/text';
import type { BlockedOperation, LockMode, Severity, StatementInfo, Violation } from '../../core/types';
import type { FileResult, ReportOptions } from './common';

export const JSON_OUTPUT_VERSION = 1;

export interface JsonLock {
  relation: string;
  mode: LockMode;
  blocks: BlockedOperation[];
  rewrite: boolean;
  scan: boolean;
  estimatedSeconds: number | null;
}

export interface JsonStatement {
  range: Range;
  kind: string;
  label: string;
  transactional: boolean;
  locks: JsonLock[];
}

export interface JsonFix {
  title: string;
  edits: { range: Range; newText: string }[];
  newFiles?: { name: string; text: string }[];
}

export interface JsonFinding {
  rule: string;
  severity: Severity;
  message: string;
  range: Range;
  help?: string;
  fix?: JsonFix;
  /** A second fix, beside `fix` (the lock-retry block beside the safety header). */
  alternativeFix?: JsonFix;
  related?: { path: string; line: number; text: string }[];
}

export interface JsonFile {
  path: string;
  /** null: no statement of the file parsed, so it was not analysed. */
  riskScore: number | null;
  pgVersion: number;
  runner: string;
  statements: JsonStatement[];
  findings: JsonFinding[];
}

export interface JsonOutput {
  version: 1;
  files: JsonFile[];
}

export function toJsonOutput(results: FileResult[]): JsonOutput {
  return {
    version: JSON_OUTPUT_VERSION,
    files: results.map((r) => ({
      ...fileHead(r),
      statements: r.analysis.statements.map((s) => statement(r, s)),
      findings: r.analysis.violations.map((v) => finding(r, v)),
    })),
  };
}

function fileHead(r: FileResult): Omit<JsonFile, 'statements' | 'findings'> {
  return { path: r.path, riskScore: r.analysis.riskScore, pgVersion: r.analysis.pgVersion, runner: r.analysis.runner };
}

function statement(r: FileResult, s: StatementInfo): JsonStatement {
  return {
    range: r.lines.rangeOf(s.span),
    kind: s.kind,
    label: s.label,
    transactional: s.transactional,
    locks: s.locks.map((l) => ({
      relation: l.relation,
      mode: l.mode,
      blocks: [...l.blocks],
      rewrite: l.rewrite,
      scan: l.scan,
      estimatedSeconds: l.estimatedSeconds === undefined ? null : l.estimatedSeconds,
    })),
  };
}

function finding(r: FileResult, v: Violation): JsonFinding {
  const f: JsonFinding = { rule: v.rule, severity: v.severity, message: v.message, range: r.lines.rangeOf(v.span) };
  if (v.help) f.help = v.help;
  if (v.fix) {
    f.fix = { title: v.fix.title, edits: v.fix.edits.map((e) => ({ range: r.lines.rangeOf(e.span), newText: e.newText })) };
    if (v.fix.newFiles?.length) f.fix.newFiles = v.fix.newFiles.map((n) => ({ name: n.name, text: n.text }));
  }
  if (v.alternativeFix)
    f.alternativeFix = {
      title: v.alternativeFix.title,
      edits: v.alternativeFix.edits.map((e) => ({ range: r.lines.rangeOf(e.span), newText: e.newText })),
    };
  if (v.related?.length) f.related = v.related.map((x) => ({ path: x.path, line: x.line, text: x.text }));
  return f;
}

export function renderJson(results: FileResult[], options: ReportOptions = {}): string {
  return [...streamJson(results, options)].join('');
}

/**
 * The same text as JSON.stringify(toJsonOutput(results), null, 2) + newline, one statement or finding
 * at a time: a 10 MB migration gives a report of hundreds of MB, more than one string may hold.
 */
export function* streamJson(results: FileResult[], _options: ReportOptions = {}): Generator<string> {
  // JSON.stringify never puts a raw line break inside a value, so indenting its lines nests it.
  const nested = (value: unknown, indent: string) => indent + JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
  function* list<T>(name: string, items: T[], toJson: (x: T) => unknown, last: boolean): Generator<string> {
    if (items.length === 0) {
      yield `      "${name}": []${last ? '' : ','}\n`;
      return;
    }
    yield `      "${name}": [\n`;
    for (let i = 0; i < items.length; i++) yield `${nested(toJson(items[i]), '        ')}${i + 1 < items.length ? ',' : ''}\n`;
    yield `      ]${last ? '' : ','}\n`;
  }
  yield `{\n  "version": ${JSON_OUTPUT_VERSION},\n  "files": [${results.length ? '' : ']\n}\n'}`;
  if (!results.length) return;
  yield '\n';
  for (let k = 0; k < results.length; k++) {
    const r = results[k];
    const head = nested(fileHead(r), '    ');
    yield `${head.slice(0, head.length - '\n    }'.length)},\n`;
    yield* list('statements', r.analysis.statements, (s) => statement(r, s), false);
    yield* list('findings', r.analysis.violations, (v) => finding(r, v), true);
    yield `    }${k + 1 < results.length ? ',' : ''}\n`;
  }
  yield '  ]\n}\n';
}
