// Syntax the assumed PostgreSQL version does not have fails when the migration runs. The version is an
// assumption (settings, stats snapshot or the default), so the message says which one and how to change it.
import type { Rule } from './rule';

export const unsupportedOnVersion: Rule = {
  id: 'unsupported-on-version',
  title: 'The statement uses a feature the target PostgreSQL version does not have',
  defaultSeverity: 'error',
  scope: 'statement',
  checkStatement(st, ctx) {
    const what = st.lockInfo.unsupported;
    if (!what) return;
    ctx.report({
      message: `${what}; assuming PostgreSQL ${ctx.pgVersion}, this statement fails. If the server is newer, set "pgVersion" in .pg-preflight.json or pass --pg-version`,
    });
  },
};
