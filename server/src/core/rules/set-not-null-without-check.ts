// SET NOT NULL (or ADD CONSTRAINT ... NOT NULL) on an existing table scans every row for NULLs while it holds
// ACCESS EXCLUSIVE, unless a valid CHECK (col IS NOT NULL) already proves it (PG 12+). The lock model
// decides whether the scan happens.
import { qualify, rangeVarName, strings, type Node } from '../syntax/ast';
import { splitFix } from '../fixes/quick';
import { lockOn, textSpan } from './columns';
import { lockSentence, sizeScaledSeverity } from './helpers';
import type { Rule } from './rule';

export const setNotNullWithoutCheck: Rule = {
  id: 'set-not-null-without-check',
  title: 'SET NOT NULL scans the whole table under ACCESS EXCLUSIVE unless a valid CHECK (col IS NOT NULL) exists',
  defaultSeverity: 'warning',
  scope: 'statement',
  checkStatement(st, ctx) {
    const { kind, node } = st;
    if (kind !== 'AlterTableStmt' || node.objtype === 'OBJECT_INDEX') return;
    const table = qualify(rangeVarName(node.relation));
    const lock = lockOn(st, table);
    if (!lock?.scan || lock.newTable) return;
    const severity = sizeScaledSeverity([lock], ctx.settings);
    if (!severity) return;
    for (const c of node.cmds ?? []) {
      const cmd: Node = c?.AlterTableCmd ?? {};
      let column: string | undefined;
      let label = '';
      let span = st.span;
      if (cmd.subtype === 'AT_SetNotNull' && cmd.name) {
        const name = String(cmd.name);
        // One statement may set several columns; the model names the ones whose CHECK lets it skip the scan.
        if (lock.why.includes(`SET NOT NULL on ${name} uses the valid CHECK`)) continue;
        column = name;
        label = `SET NOT NULL on ${name}`;
        span = textSpan(st, new RegExp(`"?${escapeRegExp(name)}"?\\s+SET\\s+NOT\\s+NULL`, 'i'));
      } else if (
        cmd.subtype === 'AT_AddConstraint' &&
        cmd.def?.Constraint?.contype === 'CONSTR_NOTNULL' &&
        !cmd.def.Constraint.skip_validation
      ) {
        const con: Node = cmd.def.Constraint;
        column = strings(con.keys).join(', ');
        label = `ADD CONSTRAINT ${con.conname ? `${con.conname} ` : ''}NOT NULL ${column}`;
        span = ctx.spanAt(con.location, 10);
      }
      let fix = true;
      const pkSets = /ADD PRIMARY KEY USING INDEX sets (.+?) NOT NULL/.exec(lock.why)?.[1];
      if (
        cmd.subtype === 'AT_AddConstraint' &&
        cmd.def?.Constraint?.contype === 'CONSTR_PRIMARY' &&
        cmd.def.Constraint.indexname &&
        pkSets
      ) {
        // The primary key sets its nullable columns NOT NULL itself (the lock model says which).
        const con: Node = cmd.def.Constraint;
        column = pkSets;
        label = `ADD ${con.conname ? `CONSTRAINT ${con.conname} ` : ''}PRIMARY KEY USING INDEX ${con.indexname} (${pkSets} nullable)`;
        span = ctx.spanAt(con.location, 10);
        fix = false;
      }
      if (!column) continue;
      ctx.report({
        span,
        severity,
        message: `${lockSentence(label, lock)}, while it scans every row for NULLs. ${saferSteps(table, column, ctx.pgVersion)}`,
        help: 'Before the constraint steps, backfill the NULLs in batches; VALIDATE fails while any remain.',
        locks: [lock],
        fix: !fix
          ? undefined
          : (file) =>
              splitFix(
                file,
                st,
                'not-null',
                ctx.pgVersion >= 18
                  ? 'Add NOT NULL ... NOT VALID here and VALIDATE it in a new migration (PG 18)'
                  : 'Use CHECK (col IS NOT NULL) NOT VALID here; VALIDATE, SET NOT NULL and drop the CHECK in a new migration',
              ),
      });
    }
  },
};

function saferSteps(table: string, column: string, pgVersion: number): string {
  if (pgVersion < 12) {
    return `PG ${pgVersion} always scans for SET NOT NULL; keep a CHECK (${column} IS NOT NULL) added NOT VALID and then VALIDATEd (SHARE UPDATE EXCLUSIVE, writes continue) instead of the NOT NULL until you run PG 12+`;
  }
  const pg18 = pgVersion >= 18 ? ` On PG 18 you can also ADD CONSTRAINT ... NOT NULL ${column} NOT VALID, then VALIDATE CONSTRAINT.` : '';
  return `Instead: ALTER TABLE ${table} ADD CONSTRAINT ... CHECK (${column} IS NOT NULL) NOT VALID; then VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE, writes continue); then SET NOT NULL, which uses the valid CHECK and skips the scan; then DROP the CHECK.${pg18}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
