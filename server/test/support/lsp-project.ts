// Throwaway project folders for the language-server tests: a root with .pg-preflight.json, a stats
// snapshot and migration files, and the rule fixtures laid out as a real project (the fixture's virtual
// path, prior.sql as an earlier migration, siblings as empty files, app/ sources).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { RULE_FIXTURES, type FixtureContext } from './fixtures';

export class Project {
  readonly root: string;

  constructor(files: Record<string, string> = {}) {
    this.root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-lsp-')));
    for (const [rel, text] of Object.entries(files)) this.write(rel, text);
  }

  file(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  uri(rel: string): string {
    return pathToFileURL(this.file(rel)).href;
  }

  write(rel: string, text: string): string {
    const f = this.file(rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
    return this.uri(rel);
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export const STATS_FIXTURE = path.join(RULE_FIXTURES, 'stats.json');

/**
 * A project holding one rule fixture file as the CLI and the fixture loader see it. Returns the project
 * and the fixture's path relative to the root.
 */
export function fixtureProject(ruleId: string, fileName: string): { project: Project; rel: string } {
  const dir = path.join(RULE_FIXTURES, ruleId);
  const ctxFile = path.join(dir, 'context.json');
  const ctx: FixtureContext = fs.existsSync(ctxFile) ? JSON.parse(fs.readFileSync(ctxFile, 'utf8')) : {};
  const rel = ctx.path ?? 'migrations/20240101000000_fixture.sql';
  const project = new Project();
  const config: Record<string, unknown> = { ...(ctx.settings ?? {}) };
  if (ctx.pgVersion) config.pgVersion = ctx.pgVersion;
  if (ctx.stats !== false) {
    const stats = typeof ctx.stats === 'string' ? path.join(dir, ctx.stats) : STATS_FIXTURE;
    project.write('stats.json', fs.readFileSync(stats, 'utf8'));
    config.statsFile = 'stats.json';
  }
  project.write('.pg-preflight.json', JSON.stringify(config));
  const folder = rel.slice(0, rel.lastIndexOf('/'));
  const prior = path.join(dir, 'prior.sql');
  if (fs.existsSync(prior)) project.write(`${folder}/20230101000000_prior.sql`, fs.readFileSync(prior, 'utf8'));
  for (const s of ctx.siblingNames ?? []) {
    if (s !== path.basename(rel)) project.write(`${folder}/${s}`, '');
  }
  const app = path.join(dir, 'app');
  if (fs.existsSync(app)) {
    for (const f of fs.readdirSync(app, { recursive: true }).map(String)) {
      const abs = path.join(app, f);
      if (fs.statSync(abs).isFile()) project.write(`app/${f.split(path.sep).join('/')}`, fs.readFileSync(abs, 'utf8'));
    }
  }
  project.write(rel, fs.readFileSync(path.join(dir, fileName), 'utf8'));
  return { project, rel };
}
