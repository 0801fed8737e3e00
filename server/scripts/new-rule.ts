// `npm run new-rule -- <rule-id> [--title "..."]`: the files a new rule needs, registered and ready to fill
// in: server/src/core/rules/<id>.ts (a rule that flags the statement kind you name with --kind, default
// a placeholder that flags nothing), test-fixtures/rules/<id>/{bad,ok}.sql, docs/rules/<id>.md, and its
// line in rules/index.ts. Then write the check, the fixtures and the page, run `npm run fixtures:rules`
// to pin its messages, and `npm run docs:rules` for the index. Refuses to overwrite anything.
import * as fs from 'fs';
import * as path from 'path';

export interface NewRuleOptions {
  id: string;
  title?: string;
  /** The repository root to write into (the tests use a copy). */
  root: string;
}

function camel(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Writes the files; returns their paths relative to the root. Throws (one line) on a bad id or an existing file. */
export function scaffoldRule(o: NewRuleOptions): string[] {
  if (!/^[a-z]+(-[a-z0-9]+)*$/.test(o.id))
    throw new Error(`'${o.id}' is not a kebab-case rule id (such as 'require-concurrent-index-creation')`);
  const title = o.title ?? `TODO: one line saying what ${o.id} flags`;
  const name = camel(o.id);
  const files: [string, string][] = [
    [
      `server/src/core/rules/${o.id}.ts`,
      `// ${title}
// TODO: why this is dangerous, in a sentence or two (the lock, the rewrite, the scan).
// A statement rule: its finding on a statement depends on that statement alone. A rule that looks at
// other statements, the schema after the file or the text is a file rule (check(ctx), see rule.ts).
import type { Rule } from './rule';

export const ${name}: Rule = {
  id: '${o.id}',
  title: '${title.replace(/'/g, "\\'")}',
  defaultSeverity: 'warning',
  scope: 'statement',
  checkStatement(st, ctx) {
    // TODO: the statement kind (libpg-query node type) and the condition this rule flags.
    if (st.kind !== 'TODO') return;
    ctx.report({ message: 'TODO: what it locks, on which table, for how long, and what to write instead', locks: st.locks });
  },
};
`,
    ],
    [
      `test-fixtures/rules/${o.id}/bad.sql`,
      `-- TODO: a statement ${o.id} must flag; the marker below points at the line above it.\nSELECT 1;\n-- ^^^ ${o.id}\n`,
    ],
    [`test-fixtures/rules/${o.id}/ok.sql`, `-- TODO: the safe way to write it; ${o.id} must stay quiet here.\nSELECT 1;\n`],
    [
      `docs/rules/${o.id}.md`,
      `# ${o.id}\n\n${title}\n\n## Problem\nTODO\n\n## Lock\nTODO: the lock mode, on which tables, and for how long it is held.\n\n## Safe alternative\nTODO\n\n\`\`\`sql\n-- TODO\n\`\`\`\n`,
    ],
  ];
  for (const [rel] of files) if (fs.existsSync(path.join(o.root, rel))) throw new Error(`${rel} already exists`);
  const index = path.join(o.root, 'server/src/core/rules/index.ts');
  const registry = fs.readFileSync(index, 'utf8');
  const lastImport = registry.lastIndexOf('\nimport ');
  const importEnd = registry.indexOf('\n', lastImport + 1);
  const listEnd = registry.indexOf('\n];', registry.indexOf('export const RULES'));
  if (lastImport < 0 || listEnd < 0) throw new Error('server/src/core/rules/index.ts: cannot find the imports and the RULES list');
  const updated = `${registry.slice(0, importEnd)}\nimport { ${name} } from './${o.id}';${registry.slice(importEnd, listEnd)}\n  ${name},${registry.slice(listEnd)}`;
  for (const [rel, text] of files) {
    fs.mkdirSync(path.dirname(path.join(o.root, rel)), { recursive: true });
    fs.writeFileSync(path.join(o.root, rel), text, { flag: 'wx' });
  }
  fs.writeFileSync(index, updated);
  return [...files.map(([rel]) => rel), 'server/src/core/rules/index.ts'];
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const t = args.indexOf('--title');
  const title = t >= 0 ? args[t + 1] : undefined;
  const id = args.find((a, i) => !a.startsWith('--') && (t < 0 || i !== t + 1));
  try {
    if (!id) throw new Error('usage: npm run new-rule -- <rule-id> [--title "what it flags"]');
    const written = scaffoldRule({ id, title, root: path.resolve(__dirname, '../../..') });
    process.stdout.write(
      `${written.map((f) => `wrote ${f}`).join('\n')}\nNext: write the check, the fixtures and the page; npm run fixtures:rules; npm run docs:rules.\n`,
    );
  } catch (err) {
    process.stderr.write(`new-rule: ${(err as Error).message}\n`);
    process.exitCode = 2;
  }
}
