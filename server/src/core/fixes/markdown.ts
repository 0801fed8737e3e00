// planToMarkdown: the migration plan document a reviewer reads in the pull request. Sections: summary
// and risk; the change set (tables, columns, indexes, functions, triggers, RLS policies, views);
// dependencies and ordering; the lock analysis table (the migration as written, then each step); the
// steps and their deploy phases; the backfill and verification queries; the rollback / forward-fix
// outline; the tests to run; the operational runbook. Pure: text in, markdown out.
import { DEFAULT_SETTINGS, type Settings } from '@pg-preflight/shared';
import { qualify, rangeVarName, strings, listName, unwrap, type Node } from '../syntax/ast';
import { analyze, type AnalyzeInput } from '../analyze';
import { formatCount, formatDuration } from '../estimate';
import { lockStrength, modeTitle } from '../locks/modes';
import { parseFile } from '../syntax/parse';
import type { Analysis, LockEstimate } from '../types';
import { addToCatalog, planSplit, priorCatalog } from './plan';
import type { SplitPlan, SplitStep } from './types';
import { mdCode, mdText } from '../present/markdown';
import { riskWords, worstRisk } from '../present/risk';

export interface PlanDocumentOptions {
  /** The input file's name as the reader knows it (default: input.path). */
  title?: string;
}

/** Paragraph and table-cell text, and inline code: the one markdown escaping (core/present/markdown.ts). */
const md = mdText;
const code = mdCode;

/** The migration plan document for one migration; the plan and the analysis are computed when not given. */
export function planToMarkdown(input: AnalyzeInput, plan?: SplitPlan, analysis?: Analysis, options: PlanDocumentOptions = {}): string {
  const a = analysis ?? analyze(input);
  const p = plan ?? planSplit(input, a);
  const title = options.title ?? input.path ?? 'migration.sql';
  const stepAnalyses = analyseSteps(input, p, a);
  const stepRisk = stepAnalyses.length ? worstRisk(stepAnalyses.map((s) => s.riskScore)) : 1;
  const out: string[] = [];

  // Summary and risk
  out.push(`# Migration plan: ${md(title)}`, '');
  out.push('## Summary and risk', '');
  const split = p.steps.length > 1 || p.steps[0]?.sql !== input.text;
  out.push(`- **Risk as written: ${riskWords(a.riskScore)}**. ${lockSummary(a)}`);
  out.push(
    `- **Risk after the split: ${riskWords(stepRisk)}** across ${p.steps.length} step${p.steps.length === 1 ? '' : 's'}${split ? '' : ' (nothing needed splitting)'}.`,
  );
  out.push(`- PostgreSQL ${a.pgVersion}, runner: ${p.runner ?? a.runner}.`);
  const findings = a.violations.filter((v) => v.severity === 'error' || v.severity === 'warning');
  if (findings.length)
    out.push(`- Findings on the migration as written: ${findings.length} (${[...new Set(findings.map((v) => v.rule))].join(', ')}).`);
  if (p.warnings.length) {
    out.push('', '**Needs attention:**', '');
    for (const w of p.warnings) out.push(`- ${md(w)}`);
  }
  out.push('');

  // Change set
  out.push('## Change set', '');
  const changes = changeSet(input.text);
  const sections: [string, string[]][] = [
    ['Tables', changes.tables],
    ['Columns', changes.columns],
    ['Indexes', changes.indexes],
    ['Constraints', changes.constraints],
    ['Functions', changes.functions],
    ['Triggers', changes.triggers],
    ['Row-level security and policies', changes.rls],
    ['Views', changes.views],
    ['Data', changes.data],
  ];
  let any = false;
  for (const [name, items] of sections) {
    if (!items.length) continue;
    any = true;
    out.push(`**${name}**`, '');
    for (const i of [...new Set(items)]) out.push(`- ${md(i)}`);
    out.push('');
  }
  if (!any) out.push('No schema objects change.', '');

  // Dependencies and ordering
  out.push('## Dependencies and ordering', '');
  out.push(
    '- Apply the steps in file-name order; each one only after the previous one succeeded. Each step is deployable on its own and can be retried.',
  );
  if (p.steps.some((s) => !s.transactional))
    out.push(
      '- Steps marked "no transaction" run outside a transaction (CONCURRENTLY, batched backfills): a failure leaves earlier batches committed; rerun the step (it is idempotent).',
    );
  const expandSteps = p.steps.filter((s) => s.phase === 'expand').map((s) => s.name);
  const contractSteps = p.steps.filter((s) => s.phase === 'contract');
  if (expandSteps.length)
    out.push(
      `- Expand steps (${expandSteps.map(code).join(', ')}) go out with, or before, the application version that writes the new columns.`,
    );
  for (const s of contractSteps)
    out.push(`- ${code(s.name)}: ${md(s.deployNote ?? 'contract: deploy after the application no longer uses what it removes')}.`);
  out.push('');

  // Lock analysis
  out.push('## Lock analysis', '');
  out.push('As written:', '');
  out.push(...lockTable(a));
  out.push('', 'After the split:', '');
  out.push('| Step | Table | Lock | Blocks | Rewrite / scan | Est. |', '|---|---|---|---|---|---|');
  let rows = 0;
  stepAnalyses.forEach((sa, i) => {
    for (const l of strongestPerTable(sa)) {
      rows++;
      out.push(`| ${i + 1} | ${code(l.relation)} | ${modeTitle(l.mode)} | ${blocks(l)} | ${work(l)} | ${estimate(l)} |`);
    }
  });
  if (!rows) out.push('| - | - | - | - | - | - |');
  out.push('');

  // Steps
  out.push('## Steps and deploy phases', '');
  out.push('| # | File | Phase | Transaction | Deploy |', '|--:|---|---|---|---|');
  p.steps.forEach((s, i) =>
    out.push(
      `| ${i + 1} | ${code(s.name)} | ${s.phase} | ${s.transactional ? 'yes' : `no${s.directive ? ` (${code(s.directive)})` : ''}`} | ${md(s.deployNote ?? (i === 0 ? 'now' : 'after the previous step'))} |`,
    ),
  );
  out.push('');
  p.steps.forEach((s, i) => {
    out.push(`### ${i + 1}. ${s.name} (${s.phase})`, '');
    if (s.locks) {
      out.push('Locks:', '');
      for (const l of s.locks.split('\n')) out.push(`- ${md(l)}`);
      out.push('');
    }
    out.push('```sql', sqlOnly(s), '```', '');
  });

  // Backfill and verification
  out.push('## Backfill and verification queries', '');
  const backfills = p.steps.filter((s) => s.phase === 'backfill');
  if (backfills.length) {
    out.push(
      'Backfills run in keyset batches on the primary key, one transaction per batch (`FOR UPDATE SKIP LOCKED`), record progress in `preflight.backfill_progress` so a rerun resumes, and sleep between batches (longer while the batch was slow or sessions wait on locks). Tune a run with `SET preflight.batch_size`, `preflight.pause` and `preflight.max_batches`.',
      '',
    );
    out.push(
      'Progress of every backfill:',
      '',
      '```sql',
      'SELECT migration, pass, last_key, rows_done, total, updated_at, finished_at FROM preflight.backfill_progress ORDER BY started_at;',
      '```',
      '',
    );
  }
  const checks = p.steps.flatMap((s) => (s.checks ?? []).map((c) => ({ step: s.name, c })));
  if (checks.length) {
    out.push('After each step:', '', '```sql');
    let last = '';
    for (const { step, c } of checks) {
      if (step !== last) out.push(`-- ${step}`);
      last = step;
      out.push(c);
    }
    out.push('```', '');
  } else out.push('Nothing to backfill or validate.', '');
  out.push('Lock monitoring while a step runs:', '', '```sql');
  out.push(
    "SELECT pid, state, wait_event_type, wait_event, now() - xact_start AS xact_age, left(query, 60) AS query FROM pg_stat_activity WHERE datname = current_database() AND (wait_event_type = 'Lock' OR state = 'idle in transaction');",
  );
  out.push(
    'SELECT pid, pg_blocking_pids(pid) AS blocked_by, left(query, 60) AS query FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0;',
  );
  out.push('SELECT l.relation::regclass, l.mode, l.granted, l.pid FROM pg_locks l WHERE l.relation IS NOT NULL AND NOT l.granted;');
  out.push('```', '');

  // Rollback / forward fix
  out.push('## Rollback and forward fix', '');
  out.push(
    'Fix forward is preferred: a step that failed changed nothing (transactional steps roll back; CONCURRENTLY and batched steps are rerun after fixing the cause). To undo steps that succeeded, apply their reversal in reverse order:',
    '',
  );
  [...p.steps].reverse().forEach((s) => {
    const idx = p.steps.indexOf(s) + 1;
    out.push(`${p.steps.length - idx + 1}. Step ${idx} (${code(s.name)}): ${md(s.reverse.split('\n').join(' '))}`);
  });
  out.push('');
  if (contractSteps.length || changes.data.length)
    out.push('Contract steps and dropped data cannot be rolled back by SQL: take a backup (or rename aside) before them.', '');

  // Tests
  out.push('## Tests to run', '');
  out.push(
    `- Lint every step in CI: \`pg-preflight check ${p.steps.map((s) => s.name).join(' ')}\` (run it before \`supabase db push\` or the runner's equivalent).`,
  );
  out.push(
    '- Dry run on a copy of production (a branch or a restored backup): run each transactional step as `BEGIN; <step>; ROLLBACK;` and check that it finishes well inside `lock_timeout`/`statement_timeout`. Steps that run outside a transaction cannot be rolled back: run them on the copy for real.',
  );
  out.push(
    '- Replay the whole sequence on the copy and compare with applying the original migration: same tables, columns, constraints (validated) and indexes (valid).',
  );
  out.push(
    '- Smoke test the application against the copy between the expand and contract steps: reads and writes must work with both the old and the new columns.',
  );
  if (changes.rls.length || changes.tables.some((t) => t.startsWith('create')))
    out.push(
      '- RLS: for every new table or changed policy, query as each client role (e.g. `SET ROLE anon;` / `SET ROLE authenticated;` with a JWT claim set) and check that rows are visible only where intended.',
    );
  if (contractSteps.length)
    out.push(
      '- Before each contract step: search the application (and edge functions) for the names it removes; `pg-preflight check` reports references it finds.',
    );
  out.push('');

  // Runbook
  out.push('## Operational runbook', '');
  out.push('Before:', '');
  out.push(
    '- Take a fresh statistics snapshot (`pg-preflight stats --database-url ... --output stats.json`) and re-run `pg-preflight plan` with `--stats` so sizes and durations are current.',
  );
  out.push(
    '- Check for long-running transactions and replication lag; a step that needs a lock waits for them, and the application queues behind it until it gets the lock or gives up after `lock_timeout`.',
  );
  out.push('- Pick a time of lower write traffic for steps that take ACCESS EXCLUSIVE, even briefly.');
  out.push('', 'During:', '');
  out.push('- Apply one step at a time with the runner. If a step fails on `lock_timeout`, nothing was changed: wait and retry.');
  out.push('- Watch the lock monitoring queries above; cancel a step (`SELECT pg_cancel_backend(pid)`) if sessions pile up behind it.');
  if (backfills.length) out.push('- Backfills can be stopped at any time (cancel the backend) and resumed by rerunning the file.');
  out.push('', 'After:', '');
  out.push('- Run the verification queries; all must pass before the next step.');
  out.push('- Run `ANALYZE` on tables that were backfilled, so the planner sees the new column values.');
  if (contractSteps.length)
    out.push('- Deploy the contract steps only after the application release that stopped using the old names is fully rolled out.');
  out.push('');
  return out.join('\n');
}

function sqlOnly(s: SplitStep): string {
  return s.sql
    .split(/\r?\n/)
    .filter((l) => !/^--(?!\s*migrate:|!|\s*atlas:)/.test(l))
    .join('\n')
    .trim();
}

function analyseSteps(input: AnalyzeInput, p: SplitPlan, a: Analysis): Analysis[] {
  const prior = [...(input.priorFiles ?? [])];
  const base = priorCatalog(input); // grown step by step: n steps cost O(n), not O(n^2)
  return p.steps.map((s) => {
    const sa = analyze({
      ...input,
      text: s.sql,
      path: s.name,
      settings: { ...(input.settings ?? DEFAULT_SETTINGS), runner: a.runner as Settings['runner'] },
      pgVersion: a.pgVersion,
      priorFiles: prior,
      baseCatalog: base,
      isMigration: false,
    });
    prior.push({ path: s.name, text: s.sql });
    addToCatalog(base, s.sql);
    return sa;
  });
}

function lockSummary(a: Analysis): string {
  const heavy = a.lockedTables.filter(
    (t) =>
      t.strongestMode === 'AccessExclusiveLock' ||
      t.strongestMode === 'ShareLock' ||
      t.strongestMode === 'ShareRowExclusiveLock' ||
      t.strongestMode === 'ExclusiveLock',
  );
  if (!heavy.length) return 'No table is locked against reads or writes for long.';
  return `Locks ${heavy.map((t) => `${t.relation} (${modeTitle(t.strongestMode)}${t.estimatedSeconds !== undefined ? `, ${formatDuration(t.estimatedSeconds)}` : ''})`).join(', ')}.`;
}

function strongestPerTable(a: Analysis): LockEstimate[] {
  const m = new Map<string, LockEstimate>();
  for (const s of a.statements) {
    for (const l of s.locks) {
      if (l.newTable || l.relation.startsWith('preflight.') || /^public\.pg_/.test(l.relation)) continue;
      const prev = m.get(l.relation);
      const rank = (x: LockEstimate) => lockStrength(x.mode);
      if (!prev || rank(l) > rank(prev) || (rank(l) === rank(prev) && (l.rewrite || l.scan) && !(prev.rewrite || prev.scan)))
        m.set(l.relation, l);
    }
  }
  return [...m.values()];
}

function blocks(l: LockEstimate): string {
  const traffic = l.blocks.filter((b) => b !== 'DDL');
  return traffic.length ? traffic.join(', ') : l.blocks.includes('DDL') ? 'DDL only' : 'nothing';
}

function work(l: LockEstimate): string {
  return l.rewrite ? 'rewrite' : l.indexBuild ? 'index build' : l.scan ? 'scan' : '-';
}

function estimate(l: LockEstimate): string {
  if (l.rows === undefined) return l.rewrite || l.scan || l.indexBuild ? 'size unknown' : 'brief';
  const size = `${formatCount(l.rows)} rows`;
  return l.rewrite || l.scan || l.indexBuild ? `${formatDuration(l.estimatedSeconds)} (${size})` : `brief (${size})`;
}

function lockTable(a: Analysis): string[] {
  const out = ['| # | Statement | Table | Lock | Blocks | Rewrite / scan | Est. |', '|--:|---|---|---|---|---|---|'];
  let rows = 0;
  a.statements.forEach((s, i) => {
    for (const l of s.locks) {
      if (l.newTable || /^public\.pg_/.test(l.relation)) continue;
      rows++;
      out.push(`| ${i + 1} | ${md(s.label)} | ${code(l.relation)} | ${modeTitle(l.mode)} | ${blocks(l)} | ${work(l)} | ${estimate(l)} |`);
    }
  });
  if (!rows) out.push('| - | - | - | - | - | - | - |');
  return out;
}

interface ChangeSet {
  tables: string[];
  columns: string[];
  indexes: string[];
  constraints: string[];
  functions: string[];
  triggers: string[];
  rls: string[];
  views: string[];
  data: string[];
}

/** What the migration changes, read from its statements. */
function changeSet(text: string): ChangeSet {
  const c: ChangeSet = { tables: [], columns: [], indexes: [], constraints: [], functions: [], triggers: [], rls: [], views: [], data: [] };
  for (const p of parseFile(text).statements) {
    const [kind, node] = unwrap(p.ast);
    switch (kind) {
      case 'CreateStmt':
        c.tables.push(`create ${qualify(rangeVarName(node.relation))}`);
        break;
      case 'CreateTableAsStmt':
        (node.objtype === 'OBJECT_MATVIEW' ? c.views : c.tables).push(`create ${qualify(rangeVarName(node.into?.rel))}`);
        break;
      case 'ViewStmt':
        c.views.push(`${node.replace ? 'create or replace' : 'create'} view ${qualify(rangeVarName(node.view))}`);
        break;
      case 'IndexStmt':
        c.indexes.push(
          `create ${node.unique ? 'unique ' : ''}index ${node.idxname ?? '(unnamed)'} on ${qualify(rangeVarName(node.relation))}`,
        );
        break;
      case 'ReindexStmt':
        c.indexes.push(`rebuild ${qualify(rangeVarName(node.relation))}`);
        break;
      case 'CreateFunctionStmt':
        c.functions.push(
          `${node.replace ? 'create or replace' : 'create'} ${node.is_procedure ? 'procedure' : 'function'} ${strings(node.funcname).join('.')}`,
        );
        break;
      case 'CreateTrigStmt':
        c.triggers.push(`create trigger ${node.trigname} on ${qualify(rangeVarName(node.relation))}`);
        break;
      case 'CreatePolicyStmt':
      case 'AlterPolicyStmt':
        c.rls.push(
          `${kind === 'CreatePolicyStmt' ? 'create' : 'alter'} policy ${node.policy_name} on ${qualify(rangeVarName(node.table))}`,
        );
        break;
      case 'RenameStmt': {
        const table = node.relation ? qualify(rangeVarName(node.relation)) : '';
        if (node.renameType === 'OBJECT_TABLE') c.tables.push(`rename ${table} to ${node.newname}`);
        else if (node.renameType === 'OBJECT_COLUMN') c.columns.push(`rename ${table}.${node.subname} to ${node.newname}`);
        else if (node.renameType === 'OBJECT_INDEX') c.indexes.push(`rename ${table} to ${node.newname}`);
        else if (node.renameType === 'OBJECT_TABCONSTRAINT') c.constraints.push(`rename ${node.subname} on ${table} to ${node.newname}`);
        break;
      }
      case 'DropStmt': {
        const names = (node.objects ?? []).map((o: Node) => strings(o?.List?.items));
        const what = String(node.removeType ?? '')
          .replace('OBJECT_', '')
          .toLowerCase();
        for (const n of names) {
          const q = qualify(listName(n));
          if (what === 'table') c.tables.push(`drop ${q}`), c.data.push(`all rows of ${q} are deleted`);
          else if (what === 'index') c.indexes.push(`drop index ${q}`);
          else if (what === 'view' || what === 'matview') c.views.push(`drop ${q}`);
          else if (what === 'trigger') c.triggers.push(`drop trigger ${n[n.length - 1]} on ${qualify(listName(n.slice(0, -1)))}`);
          else if (what === 'policy') c.rls.push(`drop policy ${n[n.length - 1]} on ${qualify(listName(n.slice(0, -1)))}`);
          else if (what === 'function' || what === 'procedure') c.functions.push(`drop ${what} ${n.join('.')}`);
        }
        if (what === 'function' || what === 'procedure')
          for (const o of node.objects ?? []) c.functions.push(`drop ${what} ${strings(o?.ObjectWithArgs?.objname).join('.')}`);
        break;
      }
      case 'TruncateStmt':
        for (const r of node.relations ?? []) c.data.push(`all rows of ${qualify(rangeVarName(r))} are deleted (TRUNCATE)`);
        break;
      case 'UpdateStmt':
      case 'DeleteStmt':
      case 'InsertStmt':
        c.data.push(`${kind.replace('Stmt', '').toUpperCase()} on ${qualify(rangeVarName(node.relation))}`);
        break;
      case 'AlterTableStmt': {
        const table = qualify(rangeVarName(node.relation));
        if (node.objtype === 'OBJECT_INDEX') {
          c.indexes.push(`alter index ${table}`);
          break;
        }
        for (const x of node.cmds ?? []) {
          const cmd: Node = x?.AlterTableCmd ?? {};
          const col = cmd.name;
          switch (cmd.subtype) {
            case 'AT_AddColumn':
              c.columns.push(`add ${table}.${cmd.def?.ColumnDef?.colname}`);
              break;
            case 'AT_DropColumn':
              c.columns.push(`drop ${table}.${col}`);
              c.data.push(`the values of ${table}.${col} are deleted`);
              break;
            case 'AT_AlterColumnType':
              c.columns.push(`change the type of ${table}.${col}`);
              break;
            case 'AT_SetNotNull':
              c.columns.push(`${table}.${col} becomes NOT NULL`);
              break;
            case 'AT_DropNotNull':
              c.columns.push(`${table}.${col} becomes nullable`);
              break;
            case 'AT_ColumnDefault':
              c.columns.push(`${cmd.def ? 'set' : 'drop'} the default of ${table}.${col}`);
              break;
            case 'AT_AddConstraint': {
              const con = cmd.def?.Constraint ?? {};
              c.constraints.push(
                `add ${String(con.contype ?? '')
                  .replace('CONSTR_', '')
                  .toLowerCase()} ${con.conname ?? '(unnamed)'} on ${table}${con.skip_validation ? ' (NOT VALID)' : ''}`,
              );
              break;
            }
            case 'AT_ValidateConstraint':
              c.constraints.push(`validate ${col} on ${table}`);
              break;
            case 'AT_DropConstraint':
              c.constraints.push(`drop ${col} on ${table}`);
              break;
            case 'AT_EnableRowSecurity':
              c.rls.push(`enable row level security on ${table}`);
              break;
            case 'AT_DisableRowSecurity':
              c.rls.push(`disable row level security on ${table}`);
              break;
            case 'AT_ForceRowSecurity':
              c.rls.push(`force row level security on ${table}`);
              break;
            default:
              c.tables.push(`alter ${table} (${String(cmd.subtype ?? '').replace('AT_', '')})`);
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return c;
}
