// The lock timeline HTML: one row per statement, widths from durations, colors by mode, risk on top, CSP.
import { strict as assert } from 'assert';
import type { LockAnalysis, LockAnalysisRow } from '@pg-preflight/shared';
import { LOCK_MODES, renderLockTimeline, timeline } from '../../src/lockView';

function row(statementIndex: number, relation: string, mode: string, modeTitle: string, estimatedSeconds?: number): LockAnalysisRow {
  return {
    statementIndex,
    line: statementIndex * 2,
    character: 0,
    statement: `STATEMENT ${statementIndex}`,
    relation,
    mode,
    modeTitle,
    blocks: ['INSERT'],
    rewrite: false,
    scan: false,
    indexBuild: false,
    newTable: false,
    why: `why ${statementIndex}`,
    ...(estimatedSeconds !== undefined ? { estimatedSeconds } : {}),
  };
}

const analysis: LockAnalysis = {
  uri: 'file:///m.sql',
  version: 1,
  riskScore: 8,
  pgVersion: 15,
  runner: 'supabase',
  wrappedInTransaction: true,
  statsSource: 'notification',
  rows: [
    row(0, 'public.orders', 'ShareRowExclusiveLock', 'SHARE ROW EXCLUSIVE', 2),
    row(0, 'public.users', 'ShareRowExclusiveLock', 'SHARE ROW EXCLUSIVE', 0.5),
    row(1, 'public.orders', 'AccessExclusiveLock', 'ACCESS EXCLUSIVE', 6),
    row(2, 'public."<script>"', 'ShareLock', 'SHARE'),
  ],
  lockedTables: [],
  findings: { error: 2, warning: 1, info: 0, hint: 0 },
};

describe('lock timeline view', () => {
  it('groups locks into statements on one time axis', () => {
    const t = timeline(analysis);
    assert.deepEqual(
      t.statements.map((s) => [s.statementIndex, s.mode, s.seconds, s.startSeconds]),
      [
        [0, 'ShareRowExclusiveLock', 2, 0],
        [1, 'AccessExclusiveLock', 6, 2],
        [2, 'ShareLock', undefined, 8],
      ],
    );
    assert.equal(t.totalSeconds, 8);
    assert.deepEqual(
      t.statements[0].locks.map((l) => l.relation),
      ['public.orders', 'public.users'],
    );
  });

  it('renders one row per statement, widths from durations, the risk score on top, escaped names', () => {
    const html = renderLockTimeline(analysis, { nonce: 'abc123', cspSource: 'vscode-resource:', fileName: 'supabase/migrations/x.sql' });
    assert.equal((html.match(/class="row"/g) ?? []).length, 3);
    assert.ok(html.indexOf('Risk 8/10') < html.indexOf('class="row"'));
    assert.match(html, /class="risk high"/);
    assert.match(html, /class="bar m-ShareRowExclusiveLock" x="0" y="1" width="250"/);
    assert.match(html, /class="bar m-AccessExclusiveLock" x="250" y="1" width="750"/);
    assert.match(html, /class="bar m-ShareLock unknown"/);
    assert.match(html, /public\.&quot;&lt;script&gt;&quot;/);
    assert.doesNotMatch(html, /<script>"/);
    assert.match(html, /held until COMMIT/);
    assert.match(html, /table sizes from the connected database/);
  });

  it('passes a strict content security policy: nonce for style and script, no inline style attributes', () => {
    const html = renderLockTimeline(analysis, { nonce: 'n0nce', cspSource: 'vscode-resource:', fileName: 'x.sql' });
    assert.match(html, /content="default-src 'none'; style-src vscode-resource: 'nonce-n0nce'; script-src 'nonce-n0nce';/);
    assert.doesNotMatch(html, /\sstyle="/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    for (const m of html.matchAll(/<(script|style)\b([^>]*)>/g)) assert.match(m[2], /nonce="n0nce"/);
    for (const m of LOCK_MODES) assert.match(html, new RegExp(`\\.m-${m.mode} \\{ fill: var\\(--vscode-charts-`));
  });

  it('says so when nothing is locked', () => {
    const html = renderLockTimeline({ ...analysis, rows: [], riskScore: 1 }, { nonce: 'n', cspSource: 'x', fileName: 'x.sql' });
    assert.match(html, /No statement in this file takes a table lock/);
    assert.match(html, /Risk 1\/10/);
  });
});
