// CONCURRENTLY operations and VACUUM manage their own transactions, so PostgreSQL refuses them inside a
// transaction block: the migration fails with "cannot run inside a transaction block".
import { concurrentlyFix } from '../fixes/quick';
import { flywayRunsAlone } from '../migrations/runners';
import type { Rule, RuleContext, StatementView } from './rule';

export const concurrentlyInTransaction: Rule = {
  id: 'concurrently-in-transaction',
  title: 'A statement that cannot run inside a transaction block runs inside one',
  defaultSeverity: 'error',
  check(ctx) {
    // BEGIN/COMMIT do not count: the advice for a lone statement also removes them.
    const alone = ctx.statements.filter((s) => s.kind !== 'meta' && s.kind !== 'error' && s.kind !== 'TransactionStmt').length === 1;
    for (const st of ctx.statements) {
      if (!st.lockInfo.nonTransactional || !st.transactional) continue;
      // A runner that sends a file as one implicit batch runs a lone statement on its own; its documented
      // way out is exactly "one migration file for this statement", so that file must not be flagged.
      // diesel and pop/popx open their own transaction: a lone statement is inside it too.
      if (!st.explicitTransaction && !ctx.runner.noTransactionDirective && !ctx.runner.noTransactionSwitch && alone) continue;
      const where = st.explicitTransaction
        ? 'it is inside the BEGIN ... COMMIT written in this file'
        : ctx.runner.id === 'flyway' && flywayRunsAlone(st.text)
          ? 'Flyway refuses a migration that mixes it with statements that can run in a transaction (unless its mixed setting is on, which runs the whole file outside one)'
          : `${ctx.runner.title} runs this file in a transaction`;
      ctx.report({
        statementIndex: st.index,
        message: `${st.label} cannot run inside a transaction block, and ${where}: the migration will fail. ${howToFix(ctx, st, alone)}`,
        // The statement fails before it locks anything, so no lock belongs to this finding.
        locks: [],
        fix: () => concurrentlyFix(ctx, st),
      });
    }
  },
};

function howToFix(ctx: RuleContext, st: StatementView, alone: boolean): string {
  const runnerWraps = ctx.runner.wrapsInTransaction && !ctx.runner.hasNoTransactionDirective(ctx.text);
  const directive = ctx.runner.noTransactionDirective;
  if (st.explicitTransaction && !runnerWraps)
    return 'Move it after the COMMIT (or into its own migration file) so it runs outside the transaction block';
  const outside = ctx.runner.noTransactionSwitch;
  if (outside && runnerWraps) {
    return alone
      ? `Run this file outside ${ctx.runner.title}'s transaction with ${outside}${st.explicitTransaction ? ', and remove the BEGIN/COMMIT around it' : ''}`
      : `Move it to a migration of its own, run outside ${ctx.runner.title}'s transaction with ${outside}`;
  }
  if (directive) {
    return alone
      ? `Start this file with "${directive}" so ${ctx.runner.title} runs it outside a transaction${st.explicitTransaction ? ', and remove the BEGIN/COMMIT around it' : ''}`
      : `Move it to its own migration file that starts with "${directive}", so ${ctx.runner.title} runs it outside a transaction`;
  }
  return `Move it to its own migration file containing only this statement (${ctx.runner.title} has no per-file switch to turn its transaction off)`;
}
