// Runs a mocha suite written against the `vscode` API (client/test/suite) inside code-server's Node
// extension host, headlessly, the way @vscode/test-electron runs it in a desktop VS Code.
// Mechanism: the web workbench reads ?payload=[["extensionDevelopmentPath",URI],["extensionTestsPath",URI]]
// (honoured with code-server's --vscode-option enable-smoke-test-driver); when the suite's run() settles the
// extension host exits and the workbench calls window.codeAutomationExit(code).
// Adapted from the shared vscode-web rig. Used by run.mjs; also runnable alone:
//   node scripts/e2e/run-ext-tests.mjs --url http://127.0.0.1:18080 --folder DIR --dev client/dist/vsix --tests client/dist/test/suite/index.js
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format, parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Resolves with the extension host's exit code (0 = every test passed), or 'timeout'. */
export async function runExtensionTests({
  url,
  folder,
  dev,
  tests,
  chromiumPath = '/usr/bin/chromium',
  timeoutMs = 300_000,
  print = console.log,
}) {
  const authority = new URL(url).host; // code-server uses the Host header as the remote authority
  const remote = (p) => `vscode-remote://${authority}${resolve(p)}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(dev)],
    ['extensionTestsPath', remote(tests)],
  ]);
  const target = `${url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`;
  const profile = mkdtempSync(join(tmpdir(), 'pgpf-exttest-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = ctx.pages()[0] || (await ctx.newPage());
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    // Extension-host console output (mocha's reporter) arrives as ['%c INFO', 'color: ...', fmt, ...args].
    page.on('console', async (msg) => {
      let args = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => '')));
      if (typeof args[0] === 'string' && args[0].startsWith('%c')) {
        const level = args[0].slice(2).trim();
        args = args.slice(2);
        if (level !== 'INFO' && !process.env.VERBOSE) return;
      } else if (!process.env.VERBOSE) return;
      const line = format(...args);
      if (
        process.env.VERBOSE ||
        !/^(Resolving|Resolved|Creating a socket|\[(reconnection|Service Worker|AgentHost|AccountPolicy)|Updating additional)/.test(line)
      )
        print(line);
    });
    await page.goto(target);
    let timer;
    const timeout = new Promise((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    return code;
  } finally {
    await ctx.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values: opt } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.CS_URL || 'http://127.0.0.1:18080' },
      folder: { type: 'string' },
      dev: { type: 'string', default: 'client/dist/vsix' },
      tests: { type: 'string', default: 'client/dist/test/suite/index.js' },
      chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
      timeout: { type: 'string', default: '300000' },
    },
  });
  const code = await runExtensionTests({
    url: opt.url,
    folder: opt.folder,
    dev: opt.dev,
    tests: opt.tests,
    chromiumPath: opt.chromium,
    timeoutMs: Number(opt.timeout),
  });
  if (code === 'timeout') {
    console.error('extension tests did not finish in time');
    process.exit(2);
  }
  console.log(`extension host exited with code ${code}`);
  process.exit(code === 0 ? 0 : 1);
}
