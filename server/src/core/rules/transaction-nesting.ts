// Explicit transaction control that fights the transaction the file already runs in:
//  - BEGIN in a file the runner already wraps in a transaction: PostgreSQL only warns "there is already
//    a transaction in progress" and ignores it;
//  - BEGIN inside an explicit BEGIN ... COMMIT: ignored the same way;
//  - COMMIT (or ROLLBACK) in a runner-wrapped file: it ends the runner's transaction early, so the rest
//    of the file runs outside it and a later failure leaves the migration half applied;
//  - COMMIT (or ROLLBACK) with no BEGIN before it in a file sent as one batch (Supabase, Prisma,
//    golang-migrate): it ends the batch's implicit transaction early, so a later failure leaves the
//    statements before it applied (observed on PG 15: "there is no transaction in progress", then
//    the earlier CREATE TABLE stays after a later error);
//  - COMMIT (or ROLLBACK) with no transaction open in a plain file: PostgreSQL only warns "there is no
//    transaction in progress"; the statements the author grouped before it already ran on their own;
//  - BEGIN with no COMMIT or ROLLBACK before the end of the file (outside a runner's transaction): the
//    transaction stays open after the migration, holding every lock it took until the session ends.
import type { Rule } from './rule';

export const transactionNesting: Rule = {
  id: 'transaction-nesting',
  title: 'BEGIN/COMMIT inside a transaction the runner or the file already opened',
  defaultSeverity: 'warning',
  check(ctx) {
    // Runners that send the file as one batch (an implicit transaction) leave BEGIN/COMMIT to the file: legitimate there.
    const runnerWraps = ctx.runner.wrapsInTransaction && !ctx.runner.sendsOneBatch && !ctx.runner.hasNoTransactionDirective(ctx.text);
    const optOut = ctx.runner.noTransactionDirective
      ? ` (or opt the file out of the runner's transaction with "${ctx.runner.noTransactionDirective}")`
      : ctx.runner.noTransactionSwitch
        ? ` (or run the file outside the runner's transaction with ${ctx.runner.noTransactionSwitch})`
        : '';
    let explicitOpen = false;
    let openedAt: { index: number; label: string } | undefined;
    for (const st of ctx.statements) {
      const { kind, node } = st;
      if (kind !== 'TransactionStmt') continue;
      const k = String(node.kind);
      const label = k === 'TRANS_STMT_START' ? 'START TRANSACTION' : st.label;
      if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') {
        if (explicitOpen) {
          ctx.report({
            statementIndex: st.index,
            message: `${label} inside a transaction this file already opened: PostgreSQL ignores it with a warning, and the first COMMIT ends the whole transaction. Remove the nested BEGIN (use SAVEPOINT for a nested unit)`,
          });
        } else if (runnerWraps) {
          ctx.report({
            statementIndex: st.index,
            message: `${label} in a file that ${ctx.runner.title} already runs in a transaction: PostgreSQL ignores it with a warning, and a COMMIT in the file would end the runner's transaction early. Remove the BEGIN/COMMIT pair and let the runner manage the transaction${optOut}`,
          });
        }
        if (!explicitOpen) openedAt = { index: st.index, label };
        explicitOpen = true;
      } else if (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK' || k === 'TRANS_STMT_PREPARE') {
        if (runnerWraps) {
          const what = k === 'TRANS_STMT_ROLLBACK' ? 'rolls back' : 'commits';
          ctx.report({
            statementIndex: st.index,
            message: `${label} in a file that ${ctx.runner.title} runs in a transaction ${what} the runner's transaction early: the statements after it run outside any transaction, and a failure there leaves the migration half applied. Remove it${optOut}`,
          });
        } else if (!explicitOpen && k !== 'TRANS_STMT_PREPARE') {
          const what = k === 'TRANS_STMT_ROLLBACK' ? 'rolls back' : 'commits';
          const batch = ctx.runner.wrapsInTransaction && ctx.runner.sendsOneBatch && !ctx.runner.hasNoTransactionDirective(ctx.text);
          ctx.report({
            statementIndex: st.index,
            message: batch
              ? `${label} with no BEGIN before it, in a file that ${ctx.runner.title} sends as one batch (one implicit transaction): it ${what} the statements before it early, and a failure after it leaves the migration half applied. Remove it, or open the transaction with BEGIN`
              : `${label} with no transaction open: PostgreSQL only warns "there is no transaction in progress"; every statement since the last transaction ended ran on its own, not in the transaction this ${label} suggests. Remove it, or add the BEGIN it was meant to close`,
          });
        }
        explicitOpen = false;
      }
    }
    if (explicitOpen && openedAt && !runnerWraps) {
      ctx.report({
        statementIndex: openedAt.index,
        message: `${openedAt.label} with no COMMIT before the end of the file: the transaction stays open, holding every lock it took until the session commits or closes, and whatever runs next on the connection joins it. End it with COMMIT`,
      });
    }
  },
};
