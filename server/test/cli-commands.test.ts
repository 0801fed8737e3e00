// The command table (cli/commands.ts) is the one source of the flags, the help texts and the command
// list: every flag it declares is accepted by the parser, shown in the help and documented in
// docs/cli.md under its command, and the docs mention no flag the command does not have.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from '../src/cli/args';
import { COMMAND_NAMES, COMMANDS, mainUsage, usage } from '../src/cli/commands';
import { UsageError } from '../src/cli/errors';

const DOCS = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'docs', 'cli.md'), 'utf8');

/** The text of docs/cli.md under "### `<command>`", up to the next heading. */
function docsSection(command: string): string {
  const start = DOCS.indexOf(`### \`${command}\``);
  assert.ok(start >= 0, `docs/cli.md has no section for ${command}`);
  const next = DOCS.slice(start + 4).search(/\n#{2,3} /);
  return next < 0 ? DOCS.slice(start) : DOCS.slice(start, start + 4 + next);
}

describe('cli: the command table', () => {
  for (const command of COMMAND_NAMES) {
    describe(command, () => {
      const flags = COMMANDS[command].flags;
      it('the parser takes every declared flag, and only those', () => {
        for (const [name, spec] of Object.entries(flags)) {
          const argv = spec.kind === 'boolean' ? [`--${name}`] : [`--${name}=x`];
          const parsed = parseArgs(command, argv, flags);
          assert.equal(parsed.flags.get(name), spec.kind === 'boolean' ? true : 'x', name);
          if (spec.short) assert.equal(parseArgs(command, [`-${spec.short}`], flags).flags.has(name), true, `-${spec.short}`);
        }
        assert.throws(
          () => parseArgs(command, ['--no-such-flag'], flags),
          (e: unknown) => e instanceof UsageError && e.message === `${command}: unknown option --no-such-flag`,
        );
      });
      it('the help text shows every flag', () => {
        const text = usage(command);
        assert.ok(text.startsWith(`Usage: pg-preflight ${command} `), text);
        for (const name of Object.keys(flags)) assert.match(text, new RegExp(`--${name}\\b`), `${command} help lacks --${name}`);
        assert.ok(mainUsage().includes(`pg-preflight ${command} `), `main usage lacks ${command}`);
      });
      it('docs/cli.md documents exactly these flags', () => {
        const section = docsSection(command);
        const documented = new Set([...section.matchAll(/`(?:-\w, )?--([a-zA-Z][\w-]*)/g)].map((m) => m[1]));
        for (const name of Object.keys(flags)) assert.ok(documented.has(name), `docs/cli.md's ${command} section lacks --${name}`);
        for (const name of documented)
          assert.ok(name in flags, `docs/cli.md's ${command} section names --${name}, which ${command} does not take`);
      });
    });
  }

  it('a value is never echoed in an error (it may hold a password)', () => {
    const flags = COMMANDS.check.flags;
    for (const argv of [['--database-url=postgresql://u:secret@h/db', '--format'], ['--no-app-refs=secret'], ['--colour=secret']]) {
      assert.throws(
        () => parseArgs('check', argv, flags),
        (e: unknown) => e instanceof UsageError && !e.message.includes('secret'),
      );
    }
  });

  it('a flag value that looks like a flag is a missing value; `--` ends the flags; the last occurrence wins', () => {
    const flags = COMMANDS.check.flags;
    assert.throws(() => parseArgs('check', ['--format', '--output', 'x'], flags), /--format: needs a value/);
    assert.throws(() => parseArgs('check', ['--format='], flags), /--format: needs a non-empty value/);
    const p = parseArgs('check', ['a.sql', '--format', 'json', '--format=text', '--', '--output'], flags);
    assert.deepEqual(p.positionals, ['a.sql', '--output']);
    assert.equal(p.flags.get('format'), 'text');
  });
});
