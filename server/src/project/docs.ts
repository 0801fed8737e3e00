// The rule pages (docs/rules/<id>.md) that ship with the tool: in the repository they are two folders
// above server/dist/src/<layer>, in a package beside dist/. The language server links them; the MCP
// server serves them as resources.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folder holding the rule pages, or undefined when this install has none. */
export function rulesDocsDir(): string | undefined {
  // __dirname is server/dist/src/project: the repository's docs/rules, else the package's.
  for (const up of ['../../../../docs/rules', '../../../docs/rules']) {
    const dir = path.resolve(__dirname, up);
    if (fs.existsSync(path.join(dir, 'README.md'))) return dir;
  }
  return undefined;
}

/** The rule ids that have a page, sorted. */
export function ruleDocIds(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((f) => f.slice(0, -3))
    .sort();
}
