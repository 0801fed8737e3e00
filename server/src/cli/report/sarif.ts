// SARIF 2.1.0 for code-scanning upload (GitHub, Azure DevOps, ...). Lines and columns are 1-based;
// columns count UTF-16 code units (SARIF's default columnKind) and endColumn is exclusive.
import { CORE_FINDINGS, DOCS_BASE_URI, RULES, ruleDocsUrl } from '../../core/rules';
import type { Severity, Violation } from '../../core/types';
import type { FileResult, ReportOptions } from './common';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(s: Severity): SarifLevel {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

export function renderSarif(results: FileResult[], options: ReportOptions = {}): string {
  return [...streamSarif(results, options)].join('');
}

/** The same text as one JSON.stringify(log, null, 2), written one result at a time. */
export function* streamSarif(results: FileResult[], options: ReportOptions = {}): Generator<string> {
  const descriptors: {
    id: string;
    name: string;
    shortDescription: { text: string };
    helpUri: string;
    defaultConfiguration: { level: SarifLevel };
  }[] = [];
  const index = new Map<string, number>();
  const addRule = (id: string, title: string, level: SarifLevel) => {
    if (index.has(id)) return;
    index.set(id, descriptors.length);
    descriptors.push({
      id,
      name: pascal(id),
      shortDescription: { text: title },
      helpUri: ruleDocsUrl(id),
      defaultConfiguration: { level },
    });
  };
  for (const r of RULES) addRule(r.id, r.title, sarifLevel(r.defaultSeverity));
  for (const f of CORE_FINDINGS)
    if (f.id !== 'file-too-large' && f.id !== 'analysis-timeout') addRule(f.id, f.title, sarifLevel(f.severity));

  // Every rule is listed before the results refer to it by index.
  for (const r of results) for (const v of r.analysis.violations) if (!index.has(v.rule)) addRule(v.rule, v.rule, sarifLevel(v.severity));
  const RESULTS = '"@results@"';
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pg-preflight',
            ...(options.toolVersion ? { version: options.toolVersion, semanticVersion: options.toolVersion } : {}),
            informationUri: `${DOCS_BASE_URI.replace(/rules\/$/, '')}cli.md`,
            rules: descriptors,
          },
        },
        columnKind: 'utf16CodeUnits',
        results: '@results@',
        properties: { riskScores: Object.fromEntries(results.map((r) => [r.path, r.analysis.riskScore])) },
      },
    ],
  };
  // The log without its results, cut where they go; the placeholder is a string no path or rule can make.
  const skeleton = JSON.stringify(log, null, 2);
  const at = skeleton.indexOf(RESULTS);
  const count = results.reduce((n, r) => n + r.analysis.violations.length, 0);
  if (count === 0) {
    yield `${skeleton.slice(0, at)}[]${skeleton.slice(at + RESULTS.length)}\n`;
    return;
  }
  yield `${skeleton.slice(0, at)}[\n`;
  const indent = '        ';
  let n = 0;
  for (const r of results) {
    for (const v of r.analysis.violations) {
      n++;
      yield `${indent}${JSON.stringify(result(r, v, index.get(v.rule) as number), null, 2).replace(/\n/g, `\n${indent}`)}${n < count ? ',' : ''}\n`;
    }
  }
  yield `      ]${skeleton.slice(at + RESULTS.length)}\n`;
}

function result(r: FileResult, v: Violation, ruleIndex: number): object {
  const range = r.lines.rangeOf(v.span);
  const region = {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: Math.max(range.end.character + 1, range.end.line === range.start.line ? range.start.character + 2 : 1),
  };
  const message = v.help ? `${v.message}\n\n${v.help}` : v.message;
  const out: Record<string, unknown> = {
    ruleId: v.rule,
    ruleIndex,
    level: sarifLevel(v.severity),
    message: { text: message },
    locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(r.path) }, region } }],
  };
  if (v.related?.length) {
    out.relatedLocations = v.related.map((x, id) => ({
      id,
      message: { text: x.text.trim() },
      physicalLocation: { artifactLocation: { uri: artifactUri(x.path) }, region: { startLine: Math.max(1, x.line) } },
    }));
  }
  return out;
}

/** A relative path as a relative URI reference; an absolute path as a file: URI. */
export function artifactUri(p: string): string {
  const enc = p
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%3A/gi, ':'))
    .join('/');
  if (p.startsWith('/')) return `file://${enc}`;
  if (/^[A-Za-z]:\//.test(p)) return `file:///${enc}`;
  return enc;
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}
