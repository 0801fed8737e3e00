// Every registered rule: has a docs page and fixtures; fires exactly on the marked lines of bad.sql;
// never fires on ok.sql; names a lock mode and a table when it reports a lock; and, where it offers a
// fix, the fixed text matches fixed.sql and no longer triggers the rule.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../src/core/analyze';
import { loadParser } from '../src/core/syntax/parse';
import { RULES } from '../src/core/rules';
import { LineIndex } from '../src/core/syntax/text';
import type { TextEdit } from '../src/core/types';
import { expectedLines, fixtureInput, REPO, RULE_FIXTURES } from './support/fixtures';
import { findingsFile, readRuleFindings, renderRuleFindings } from './support/rule-findings';

function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/** Rules about the migration file's name: their pages' SQL is what the file holds, not what they judge. */
const NAME_RULES = new Set(['migration-out-of-order', 'duplicate-migration-version']);

describe('rules', () => {
  before(loadParser);

  it('every fixture folder belongs to a registered rule', () => {
    const ids = new Set(RULES.map((r) => r.id));
    const dirs = fs.readdirSync(RULE_FIXTURES).filter((d) => fs.statSync(path.join(RULE_FIXTURES, d)).isDirectory());
    assert.deepEqual(
      dirs.filter((d) => !ids.has(d)),
      [],
    );
  });

  it('rule ids are unique kebab-case', () => {
    const ids = RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z]+(-[a-z0-9]+)*$/);
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      const dir = path.join(RULE_FIXTURES, rule.id);

      it('has a docs page with the problem, the lock and the safe alternative', () => {
        const doc = path.join(REPO, 'docs/rules', `${rule.id}.md`);
        assert.ok(fs.existsSync(doc), `missing ${doc}`);
        const md = fs.readFileSync(doc, 'utf8');
        assert.match(md, new RegExp(`^# ${rule.id}\\b`, 'm'));
        for (const heading of ['## Problem', '## Lock', '## Safe alternative'])
          assert.ok(md.includes(heading), `${doc} lacks "${heading}"`);
        assert.match(md, /```sql\n/);
      });

      it('has bad.sql and ok.sql fixtures', () => {
        assert.ok(fs.existsSync(path.join(dir, 'bad.sql')), `missing ${dir}/bad.sql`);
        assert.ok(fs.existsSync(path.join(dir, 'ok.sql')), `missing ${dir}/ok.sql`);
      });

      it('fires exactly on the marked lines of bad.sql', () => {
        const input = fixtureInput(rule.id, 'bad.sql');
        const expected = expectedLines(input.text, rule.id);
        assert.ok(expected.length > 0, 'bad.sql has no "-- ^^^ <rule-id>" marker');
        const a = analyze(input);
        const lines = new LineIndex(input.text);
        const found = a.violations.filter((v) => v.rule === rule.id);
        const hit = (line: number) =>
          found.some(
            (v) => lines.positionAt(v.span.start).line <= line && line <= lines.positionAt(Math.max(v.span.start, v.span.end - 1)).line,
          );
        for (const line of expected)
          assert.ok(
            hit(line),
            `expected ${rule.id} on line ${line + 1}; got ${found.map((v) => `${lines.positionAt(v.span.start).line + 1}: ${v.message}`).join(' | ') || 'nothing'}`,
          );
        for (const v of found) {
          const start = lines.positionAt(v.span.start).line;
          const end = lines.positionAt(Math.max(v.span.start, v.span.end - 1)).line;
          assert.ok(
            expected.some((l) => start <= l && l <= end),
            `unexpected ${rule.id} on line ${start + 1}: ${v.message}`,
          );
        }
      });

      it('reports on bad.sql exactly the messages and severities pinned in bad.findings', () => {
        const pinned = readRuleFindings(rule.id);
        assert.ok(pinned !== undefined, `missing ${path.relative(REPO, findingsFile(rule.id))}: run npm run fixtures:rules`);
        assert.equal(
          renderRuleFindings(rule.id),
          pinned,
          'the findings changed; if intended, run npm run fixtures:rules and review the diff',
        );
      });

      it("stays quiet on its docs page's safe alternative", () => {
        // These judge the file's name, not its SQL: the page's SQL shows what stays in the file.
        if (NAME_RULES.has(rule.id)) return;
        const md = fs.readFileSync(path.join(REPO, 'docs/rules', `${rule.id}.md`), 'utf8');
        const from = md.slice(md.indexOf('## Safe alternative'));
        const next = from.indexOf('\n## ', 1);
        const safe = next < 0 ? from : from.slice(0, next);
        const blocks = [...safe.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]);
        assert.ok(blocks.length > 0, 'the safe alternative has no SQL block');
        for (const sql of blocks) {
          // A page may show several migrations ("-- migration 2 ..."): each is a file that runs after the ones above.
          const parts = sql.split(/^(?=--\s*migration\b)/im);
          const prior: { path: string; text: string }[] = [];
          for (const [i, part] of parts.entries()) {
            if (/^--\s*run by hand\b/im.test(part)) continue; // the page says it is not a migration
            const input = { ...fixtureInput(rule.id, 'ok.sql', part), appFiles: [] };
            input.priorFiles = [...(input.priorFiles ?? []), ...prior];
            const found = analyze(input).violations.filter((v) => v.rule === rule.id && v.severity !== 'hint');
            assert.deepEqual(
              found.map((v) => v.message),
              [],
              `docs/rules/${rule.id}.md's safe SQL triggers the rule:\n${part}`,
            );
            prior.push({ path: `migrations/2024010100000${i}_doc_step.sql`, text: part });
          }
        }
      });

      it('stays quiet on ok.sql', () => {
        const a = analyze(fixtureInput(rule.id, 'ok.sql'));
        const found = a.violations.filter((v) => v.rule === rule.id);
        assert.deepEqual(
          found.map((v) => v.message),
          [],
        );
      });

      it('names the lock mode and the table in lock findings', () => {
        const a = analyze(fixtureInput(rule.id, 'bad.sql'));
        for (const v of a.violations.filter((x) => x.rule === rule.id && x.locks?.length && /lock/i.test(x.message))) {
          assert.match(
            v.message,
            /(ACCESS EXCLUSIVE|EXCLUSIVE|SHARE ROW EXCLUSIVE|SHARE UPDATE EXCLUSIVE|SHARE|ROW EXCLUSIVE|ROW SHARE|ACCESS SHARE)/,
          );
          assert.match(v.message, /\b\w+\.\w+\b/, `no schema-qualified table in: ${v.message}`);
        }
      });

      const fixed = path.join(dir, 'fixed.sql');
      if (fs.existsSync(fixed)) {
        it('its fix turns bad.sql into fixed.sql (and the new files into fixed/*), none of which triggers the rule', () => {
          const input = fixtureInput(rule.id, 'bad.sql');
          let text = input.text;
          // New migration files the fixes create, by name, in the order they were created.
          const created = new Map<string, string>();
          // Apply one fix at a time, re-analysing in between, as a user clicking each lightbulb would.
          for (let guard = 0; guard < 20; guard++) {
            const siblingNames = [...(input.siblingNames ?? []), ...created.keys()];
            const v = analyze({ ...input, text, siblingNames }).violations.find((x) => x.rule === rule.id && x.fix);
            if (!v?.fix) break;
            text = applyEdits(text, v.fix.edits);
            for (const f of v.fix.newFiles ?? []) {
              assert.ok(!created.has(f.name), `two fixes create ${f.name}`);
              created.set(f.name, f.text);
            }
          }
          const goldenDir = path.join(dir, 'fixed');
          if (process.env.UPDATE_GOLDENS) {
            fs.writeFileSync(fixed, text);
            fs.rmSync(goldenDir, { recursive: true, force: true });
            for (const [name, body] of created) {
              fs.mkdirSync(path.dirname(path.join(goldenDir, name)), { recursive: true });
              fs.writeFileSync(path.join(goldenDir, name), body);
            }
          }
          assert.equal(text, fs.readFileSync(fixed, 'utf8'));
          const goldens = fs.existsSync(goldenDir)
            ? fs
                .readdirSync(goldenDir, { recursive: true })
                .map(String)
                .filter((f) => fs.statSync(path.join(goldenDir, f)).isFile())
                .sort()
            : [];
          assert.deepEqual([...created.keys()].sort(), goldens, 'the new files differ from fixed/');
          for (const [name, body] of created) assert.equal(body, fs.readFileSync(path.join(goldenDir, name), 'utf8'), `fixed/${name}`);
          // Findings without a fix may remain; every fixable one is gone.
          const siblingNames = [...(input.siblingNames ?? []), ...created.keys()];
          const after = analyze({ ...input, text, siblingNames }).violations.filter((x) => x.rule === rule.id);
          assert.deepEqual(
            after.filter((x) => x.fix).map((x) => x.message),
            [],
          );
          // Each new file, analysed after the fixed file and the new files before it, does not trigger the rule.
          const prior = [...(input.priorFiles ?? []), { path: input.path ?? 'fixture.sql', text }];
          const dirOf = (input.path ?? '').replace(/[^/]*$/, '');
          for (const [name, body] of [...created].sort(([a], [b]) => a.localeCompare(b))) {
            if (!name.endsWith('.sql')) continue;
            const filePath = path.posix.normalize(dirOf + name);
            const found = analyze({ ...input, text: body, path: filePath, priorFiles: [...prior], siblingNames }).violations.filter(
              (x) => x.rule === rule.id,
            );
            assert.deepEqual(
              found.map((x) => x.message),
              [],
              `${name} triggers ${rule.id}`,
            );
            prior.push({ path: filePath, text: body });
          }
        });
      }

      const fixedAlternative = path.join(dir, 'fixed-alternative.sql');
      if (fs.existsSync(fixedAlternative)) {
        it('its alternative fix turns bad.sql into fixed-alternative.sql, and the statements it fixed no longer trigger the rule', () => {
          const input = fixtureInput(rule.id, 'bad.sql');
          let text = input.text;
          const fixedAt: number[] = [];
          for (let guard = 0; guard < 20; guard++) {
            const v = analyze({ ...input, text }).violations.find((x) => x.rule === rule.id && x.alternativeFix);
            if (!v?.alternativeFix) break;
            assert.equal(v.alternativeFix.newFiles, undefined);
            fixedAt.push(Math.min(...v.alternativeFix.edits.map((e) => e.span.start)));
            text = applyEdits(text, v.alternativeFix.edits);
          }
          assert.ok(fixedAt.length > 0, 'no finding on bad.sql offers an alternative fix');
          if (process.env.UPDATE_GOLDENS) fs.writeFileSync(fixedAlternative, text);
          assert.equal(text, fs.readFileSync(fixedAlternative, 'utf8'));
          const after = analyze({ ...input, text }).violations.filter((x) => x.rule === rule.id);
          for (const at of fixedAt)
            assert.ok(!after.some((x) => x.span.start === at), `the statement fixed at offset ${at} still triggers ${rule.id}`);
        });
      }
    });
  }
});

describe('docs/rules/README.md', () => {
  it('is the current generated index (npm run docs:rules)', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { renderRulesIndex } = require('../scripts/rules-index') as typeof import('../scripts/rules-index');
    assert.equal(fs.readFileSync(path.join(REPO, 'docs/rules/README.md'), 'utf8'), renderRulesIndex());
  });
});
