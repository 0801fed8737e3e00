// DROP DATABASE has no place in a migration: it deletes every table of the database at once, and it
// cannot run inside a transaction block, so runners that wrap files fail on it anyway.
import type { Rule } from './rule';

export const banDropDatabase: Rule = {
  id: 'ban-drop-database',
  title: 'DROP DATABASE in a migration',
  defaultSeverity: 'error',
  scope: 'statement',
  checkStatement(st, ctx) {
    const { kind, node } = st;
    if (kind !== 'DropdbStmt') return;
    const force = (node.options ?? []).some((o: { DefElem?: { defname?: string } }) => o?.DefElem?.defname === 'force');
    ctx.report({
      message:
        `DROP DATABASE ${node.dbname ?? ''} deletes the whole database and all its data${force ? ', and WITH (FORCE) first terminates every session connected to it' : ''}. A migration must never do this; drop databases by hand, after a backup`.replace(
          /\s+/g,
          ' ',
        ),
      help: st.transactional
        ? 'It also fails here: DROP DATABASE cannot run inside a transaction block, and this statement runs in one.'
        : undefined,
    });
  },
};
