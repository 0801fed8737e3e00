// npm run test:e2e: the packaged extension in a real VS Code (code-server from the npm registry), driven by
// Playwright in Debian's Chromium, against a throwaway PostgreSQL 15.
//  1. installs Chromium and code-server (scripts/e2e/setup-code-server.sh; idempotent). When they cannot be
//     installed, prints why and exits 0 with "SKIPPED"; never silently.
//  2. starts PostgreSQL (server/test/support/postgres.ts) with test-fixtures/vscode/database.sql loaded;
//  3. installs pg-preflight-<version>.vsix (built by `npm run package`) into code-server and opens a copy of
//     test-fixtures/vscode/supabase-project;
//  4. in the UI: waits for the squiggles, hovers the CREATE INDEX and reads the lock mode, applies
//     "CONCURRENTLY" from the lightbulb, connects to the database from the command palette and reads the
//     status bar, opens the lock timeline, runs "Verify Locks (Dry Run)" (PGlite in the bundled server),
//     runs "Split into Zero-Downtime Steps", and a refused connection;
//     the screenshots go to docs/images/ (the README uses them);
//  5. runs the extension test suite (client/test/suite) in the same code-server;
//  6. restarts code-server with workspace trust on and opens a second folder (test-fixtures/vscode/untrusted-project
//     with test-fixtures/demo/stats.json) in Restricted Mode: the repository's statsFile and docsBaseUrl must be
//     ignored (no row counts, a warning rather than an error); then trusts it from the Restricted Mode banner
//     and the workspace trust editor, and checks that the statistics and the docs URL are then used.
// Exit code: 0 all passed (or skipped with the reason printed), 1 a check failed.
import { chromium } from 'playwright-core';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, runExtensionTests } from './run-ext-tests.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const SETUP = join(ROOT, 'scripts', 'e2e', 'setup-code-server.sh');
const IMAGES = join(ROOT, 'docs', 'images');
const PORT = Number(process.env.PORT || 18080);
const URL_ = `http://127.0.0.1:${PORT}`;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const E2E_HOME = process.env.E2E_HOME || join(process.env.TMPDIR || '/tmp', 'pg-preflight-e2e');
const T = 60_000;

const t0 = Date.now();
const log = (...a) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const results = [];
const check = (name, ok, detail) => {
  results.push({ name, ok: !!ok, detail });
  log(ok ? 'PASS' : 'FAIL', name, detail ?? '');
  return !!ok;
};

const version = JSON.parse(readFileSync(join(ROOT, 'client', 'package.json'), 'utf8')).version;
const vsix = join(ROOT, `pg-preflight-${version}.vsix`);
if (!existsSync(vsix)) {
  console.error(`e2e: ${vsix} is missing: run 'npm run package' first (npm run test:e2e does)`);
  process.exit(1);
}

// 1. Chromium + code-server.
const env = { ...process.env, E2E_HOME, PORT: String(PORT) };
log('installing Chromium and code-server (idempotent; about 3 min the first time)');
mkdirSync(E2E_HOME, { recursive: true });
const installLog = join(E2E_HOME, 'install.log');
const logFd = openSync(installLog, 'w');
const install = spawnSync('bash', [SETUP, 'install'], { env, stdio: ['ignore', logFd, logFd] });
closeSync(logFd);
if (install.status !== 0) {
  const lines = readFileSync(installLog, 'utf8').split('\n');
  const tail = [...lines.filter((l) => /\berr(or)?\b|ERR!|failed|E: /i.test(l)).slice(-15), '...', ...lines.slice(-15)].join('\n');
  if (install.status === 3 || install.error) {
    console.log(
      `\nSKIPPED: npm run test:e2e: Chromium or code-server could not be installed on this machine, so the end-to-end run did not happen (log: ${installLog}).\n${install.error?.message ?? tail}`,
    );
    process.exit(0);
  }
  console.error(`e2e: setup failed (exit ${install.status}; log: ${installLog}):\n${tail}`);
  process.exit(1);
}
log(`tools ready (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
if (!existsSync(CHROMIUM)) {
  console.log(`\nSKIPPED: npm run test:e2e: no Chromium at ${CHROMIUM} after the install step.`);
  process.exit(0);
}

// 2. PostgreSQL.
const { startThrowawayPostgres } = require(join(ROOT, 'server', 'dist', 'test', 'support', 'postgres.js'));
const { Client } = require('pg');
let pg;
// Stable folder names (they show in the screenshots) inside fresh temporary directories.
const workspaceParent = mkdtempSync(join(tmpdir(), 'pgpf-e2e-ws-'));
const suiteParent = mkdtempSync(join(tmpdir(), 'pgpf-e2e-suite-'));
const workspace = join(workspaceParent, 'supabase-project');
const suiteWorkspace = join(suiteParent, 'supabase-project');
const trustParent = mkdtempSync(join(tmpdir(), 'pgpf-e2e-trust-'));
const trustWorkspace = join(trustParent, 'untrusted-project');
const profile = mkdtempSync(join(tmpdir(), 'pgpf-e2e-chromium-'));
// A second, fresh Chromium profile: the web workbench keeps workspace trust in the browser's storage.
const trustProfile = mkdtempSync(join(tmpdir(), 'pgpf-e2e-chromium-trust-'));
let browser;
let page;
let started = false;

function visibleText(selector) {
  return `[...document.querySelectorAll(${JSON.stringify(selector)})].filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden').map((e) => e.innerText).join('\\n').replace(/\\u00a0/g, ' ')`;
}

const quickInputFocused = (page, ms) =>
  page
    .waitForFunction(
      () =>
        document.activeElement?.closest('.quick-input-widget') &&
        getComputedStyle(document.querySelector('.quick-input-widget')).display !== 'none',
      null,
      { timeout: ms },
    )
    .then(
      () => true,
      () => false,
    );

async function runCommand(page, title) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  // F1 goes nowhere while a webview (the lock timeline) holds the keyboard: then use the command center.
  let prefix = '';
  if (!(await quickInputFocused(page, 3000))) {
    prefix = '>';
    await page.keyboard.press('Escape');
    await page.locator('.command-center').first().click();
    if (!(await quickInputFocused(page, 10_000))) throw new Error('the command palette did not open');
    await page.keyboard.type('>', { delay: 5 });
  }
  const input = page.locator('.quick-input-widget input').first();
  await page.keyboard.type(title, { delay: 5 });
  const holds = () =>
    page
      .waitForFunction((t) => document.querySelector('.quick-input-widget input')?.value.includes(t), title, { timeout: 3000 })
      .then(
        () => true,
        () => false,
      );
  if (!(await holds())) {
    // A keystroke can be lost while the quick input switches from files to commands: type it again.
    await input.fill(`${prefix}${title}`);
    if (!(await holds()))
      throw new Error(`the command palette holds ${JSON.stringify(await input.inputValue())}, not ${JSON.stringify(title)}`);
  }
  await page.waitForFunction(
    (t) =>
      [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((r) => r.innerText.replace(/\u00a0/g, ' ').includes(t)),
    title,
    { timeout: 15_000 },
  );
  await page.keyboard.press('Enter');
}

async function openFile(page, name) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(name, { delay: 10 });
  await page.waitForFunction(
    (n) => [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((r) => r.innerText.includes(n)),
    name,
    { timeout: 15_000 },
  );
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab.active[aria-label*="${name}"]`, { timeout: T });
  await page.waitForSelector('.monaco-editor .view-lines', { state: 'visible' });
}

/** Connect to Database…: the quick pick (when a connection is saved) or straight to the URL box, then the name. */
async function connectFromPalette(page, url, name) {
  const widgetText = () => page.evaluate(() => document.querySelector('.quick-input-widget')?.innerText ?? '');
  const input = page.locator('.quick-input-widget input').first();
  /** Types into the quick input once it has the focus, and checks the value before pressing Enter. */
  const fill = async (value) => {
    await input.click();
    await page.waitForFunction(() => document.activeElement?.closest('.quick-input-widget'), null, { timeout: 10_000 });
    await page.keyboard.press('Control+A');
    await page.keyboard.type(value, { delay: 2 });
    const typed = await input.inputValue();
    if (typed !== value) throw new Error(`the quick input holds ${JSON.stringify(typed)}, not the text typed`);
    await page.keyboard.press('Enter');
  };
  await runCommand(page, 'pg-preflight: Connect to Database');
  await page.waitForFunction(
    () => /Enter a connection URL|Connect to Database \(1\/2\)/.test(document.querySelector('.quick-input-widget')?.innerText ?? ''),
    null,
    { timeout: 15_000 },
  );
  if (!/\(1\/2\)/.test(await widgetText())) {
    await fill('Enter a connection URL');
    await page.waitForFunction(
      () => /Connect to Database \(1\/2\)/.test(document.querySelector('.quick-input-widget')?.innerText ?? ''),
      null,
      { timeout: 15_000 },
    );
  }
  await fill(url);
  await page.waitForFunction(
    () => /Connect to Database \(2\/2\)/.test(document.querySelector('.quick-input-widget')?.innerText ?? ''),
    null,
    { timeout: 15_000 },
  );
  await fill(name);
}

/** Where an editor line is on the page: right after the squiggles appear the editor may still be laying its lines out (no box yet). */
async function boxOf(page, line) {
  await line.waitFor({ state: 'visible', timeout: T });
  for (let i = 0; i < 20; i++) {
    const b = await line.boundingBox();
    if (b) return b;
    await page.waitForTimeout(250);
  }
  throw new Error('an editor line never got a position on the page');
}

/** Hovers line `index` (0-based) and returns the visible hover's text and link targets, once `expect` matches (or after 15 s). */
async function hoverStatement(page, index, expect) {
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  const b = await boxOf(page, page.locator('.monaco-editor .view-line').nth(index));
  await page.mouse.move(b.x + 60, b.y + b.height / 2);
  await page.waitForFunction(`(${visibleText('.monaco-hover')}).trim().length > 0`, null, { timeout: 15_000 });
  await page.waitForFunction(`${expect}.test(${visibleText('.monaco-hover')})`, null, { timeout: 15_000 }).catch(() => {});
  await page.waitForTimeout(400); // the hover fades in
  const text = await page.evaluate(visibleText('.monaco-hover'));
  const links = await page.evaluate(() =>
    [...document.querySelectorAll('.monaco-hover a')]
      .filter((a) => a.getClientRects().length)
      .map((a) => a.dataset.href || a.getAttribute('href') || ''),
  );
  return { text, links };
}

/** The lock table's row for public.orders and the statistics line of a hover, for the log. */
const hoverGist = (text) =>
  JSON.stringify(
    [text.match(/public\.orders\tSHARE[^\n]*/)?.[0], text.match(/PostgreSQL \d+ assumed[^\n]*/)?.[0]]
      .filter(Boolean)
      .join(' | ')
      .replace(/\s+/g, ' '),
  );

const statusText = (page) => page.evaluate(() => document.querySelector('.statusbar')?.innerText.replace(/\s+/g, ' ') ?? '');

let exitCode = 0;
try {
  pg = await startThrowawayPostgres();
  const c = new Client({ connectionString: pg.url });
  await c.connect();
  await c.query(readFileSync(join(ROOT, 'test-fixtures', 'vscode', 'database.sql'), 'utf8'));
  await c.end();
  check('throwaway PostgreSQL', true, `PostgreSQL ${pg.major} on port ${pg.port}, 300,000 orders`);

  // 3. Install the .vsix; copies of the fixture workspace (the split and the quick fix write files).
  cpSync(join(ROOT, 'test-fixtures', 'vscode', 'supabase-project'), workspace, { recursive: true });
  cpSync(join(ROOT, 'test-fixtures', 'vscode', 'supabase-project'), suiteWorkspace, { recursive: true });
  execFileSync('bash', [SETUP, 'install-vsix', vsix], { env, stdio: 'pipe' });
  check('vsix installed into code-server', true, `${vsix.replace(ROOT + '/', '')}`);
  execFileSync('bash', [SETUP, 'start'], { env: { ...env, WORKSPACE: workspace }, stdio: 'pipe' });
  started = true;

  // 4. The UI.
  mkdirSync(IMAGES, { recursive: true });
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 800 },
    args: CHROMIUM_ARGS,
  });
  page = browser.pages()[0] || (await browser.newPage());
  page.setDefaultTimeout(T);
  page.on('pageerror', (e) => log('pageerror:', e.message.split('\n')[0]));
  await page.goto(`${URL_}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench');
  await page.waitForSelector('.explorer-folders-view .monaco-list-row');
  await page
    .locator('.monaco-workbench')
    .click({ position: { x: 700, y: 400 } })
    .catch(() => {});

  await openFile(page, '20240301000000_orders_by_user.sql');
  const squiggle = page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error').last();
  await squiggle.waitFor({ state: 'attached', timeout: T });
  check('squiggles rendered', true, `${((Date.now() - t0) / 1000).toFixed(1)} s after start`);
  await page.waitForFunction(() => /pg-preflight: not connected/.test(document.querySelector('.statusbar')?.innerText ?? ''), null, {
    timeout: T,
  });
  check('status bar before connecting', true, '"pg-preflight: not connected"');

  // Hover the CREATE INDEX statement (line 2) and read the lock mode from the hover widget.
  const line2 = page.locator('.monaco-editor .view-line').nth(1);
  const b = await boxOf(page, line2);
  await page.mouse.move(b.x + 60, b.y + b.height / 2);
  await page.waitForFunction(`(${visibleText('.monaco-hover')}).trim().length > 0`, null, { timeout: 15_000 });
  await page.waitForFunction(`/SHARE/.test(${visibleText('.monaco-hover')})`, null, { timeout: 15_000 }).catch(() => {});
  await page.waitForTimeout(400); // the hover fades in
  const hover = await page.evaluate(visibleText('.monaco-hover'));
  check('hover names the lock mode', /\bSHARE\b/.test(hover) && /public\.orders/.test(hover), JSON.stringify(hover.slice(0, 160)));
  await page.screenshot({ path: join(IMAGES, 'squiggle-hover.png') });

  // The lightbulb: "CONCURRENTLY".
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  const b2 = await boxOf(page, line2);
  await page.mouse.click(b2.x + 30, b2.y + b2.height / 2);
  const bulb = page.locator('.lightBulbWidget .codicon, .lightBulbWidget').first();
  check(
    'lightbulb shown',
    await bulb.waitFor({ state: 'visible', timeout: 15_000 }).then(
      () => true,
      () => false,
    ),
  );
  await page.keyboard.press('Control+.');
  const menu = page.locator('.action-widget').first();
  await menu.waitFor({ state: 'visible', timeout: 15_000 });
  const menuText = (await menu.innerText()).replace(/\u00a0/g, ' ');
  const fixRow = page.locator('.action-widget .monaco-list-row', { hasText: 'CONCURRENTLY' }).first();
  const hasFix = check('lightbulb offers CONCURRENTLY', (await fixRow.count()) > 0, JSON.stringify(menuText));
  if (hasFix) await fixRow.hover();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(IMAGES, 'lightbulb.png') });
  if (hasFix) {
    await fixRow.click();
    const applied = await page
      .waitForFunction(
        () => /index\s+CONCURRENTLY/i.test((document.querySelector('.monaco-editor .view-lines')?.innerText || '').replace(/\u00a0/g, ' ')),
        null,
        { timeout: 15_000 },
      )
      .then(
        () => true,
        () => false,
      );
    check('CONCURRENTLY fix applied', applied);
  } else await page.keyboard.press('Escape');

  // A refused connection: one notification, an error state, linting carries on.
  await connectFromPalette(page, 'postgresql://postgres@127.0.0.1:1/postgres', 'closed-port');
  const refused = await page
    .waitForFunction(
      () => /pg-preflight: error: connection refused/.test(document.querySelector('.statusbar')?.innerText.replace(/\s+/g, ' ') ?? ''),
      null,
      { timeout: T },
    )
    .then(
      () => true,
      () => false,
    );
  check(
    'status bar on a refused connection',
    refused,
    JSON.stringify((await statusText(page)).match(/pg-preflight: error[^$]*?(refused|failed)/)?.[0] ?? ''),
  );
  const stillLinted = (await page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning').count()) > 0;
  check('linting carries on after the failure', stillLinted);
  await page.screenshot({ path: join(IMAGES, 'status-error.png'), clip: { x: 0, y: 700, width: 1400, height: 100 } });

  // Connect from the command palette: URL (password box), then the name.
  await connectFromPalette(page, pg.url, 'e2e-db');
  const connected = await page
    .waitForFunction(
      (major) =>
        new RegExp(`pg-preflight: e2e-db · PG ${major}\\.\\d+ · stats just now`).test(
          document.querySelector('.statusbar')?.innerText.replace(/\s+/g, ' ') ?? '',
        ),
      pg.major,
      { timeout: T },
    )
    .then(
      () => true,
      () => false,
    );
  check(
    'status bar connected',
    connected,
    JSON.stringify((await statusText(page)).match(/pg-preflight:[^$]*?(old|now)/)?.[0] ?? (await statusText(page))),
  );
  // The sizes reach the server: the CHECK scan on 300,000 orders becomes an error elsewhere; here the
  // index file has been fixed, so look at tighten_orders below.
  const item = page.locator('.statusbar-item', { hasText: 'pg-preflight:' }).first();
  await item.hover();
  await page.waitForTimeout(800);
  const sb = await page.locator('.part.statusbar').boundingBox();
  await page.screenshot({
    path: join(IMAGES, 'status-bar.png'),
    clip: { x: 0, y: Math.max(0, sb.y - 110), width: 760, height: sb.height + 110 },
  });

  // The lock timeline of tighten_orders, with the live sizes.
  await openFile(page, '20240401000000_tighten_orders.sql');
  const errors = await page
    .locator('.monaco-editor .squiggly-error')
    .first()
    .waitFor({ state: 'attached', timeout: T })
    .then(
      () => true,
      () => false,
    );
  check('findings scaled by the live table sizes (error squiggles)', errors);
  await runCommand(page, 'View: Close Primary Side Bar'); // room for the editor and the timeline side by side
  await runCommand(page, 'pg-preflight: Show Lock Analysis');
  let timelineText = '';
  const deadline = Date.now() + T;
  while (Date.now() < deadline && !/Risk \d+\/10/.test(timelineText)) {
    for (const f of page.frames()) {
      const txt = await f.evaluate(() => (document.querySelector('#risk') ? document.body.innerText : '')).catch(() => '');
      if (txt) timelineText = txt;
    }
    if (!timelineText) await page.waitForTimeout(250);
  }
  check(
    'lock timeline webview',
    /Risk \d+\/10/.test(timelineText) && /ACCESS EXCLUSIVE/.test(timelineText) && /public\.orders/.test(timelineText),
    JSON.stringify(timelineText.split('\n').slice(0, 3).join(' | ')),
  );
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(IMAGES, 'lock-timeline.png') });
  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');

  // Verify Locks (Dry Run): PGlite inside the language server; results as information squiggles.
  await page.locator('.tab', { hasText: '20240401000000_tighten_orders.sql' }).first().click();
  await runCommand(page, 'pg-preflight: Verify Locks (Dry Run)');
  // The progress notification, then the summary: a toast (VS Code hides an information toast after a few
  // seconds) whose text also goes to the screen reader's live region; poll both.
  const summary = await page
    .waitForFunction(
      () => {
        const texts = [
          ...document.querySelectorAll('.notification-toast, .notification-list-item, .monaco-aria-container, [aria-live]'),
        ].map((n) => (n.innerText || n.textContent || '').replace(/\u00a0/g, ' '));
        return texts.find((t) => /pg-preflight dry run:/.test(t)) ?? false;
      },
      null,
      { timeout: 120_000, polling: 200 },
    )
    .then(
      (h) => h.jsonValue(),
      async () => `not found; toasts: ${await page.evaluate(visibleText('.notifications-toasts'))}`,
    );
  check(
    'Verify Locks: the summary notification',
    /statements traced on PGlite \(PostgreSQL 18\);.*the locks match the model;.*rolled back/.test(summary),
    JSON.stringify(summary.slice(0, 200)),
  );
  const infos = await page
    .locator('.monaco-editor .squiggly-info')
    .first()
    .waitFor({ state: 'attached', timeout: 15_000 })
    .then(
      () => true,
      () => false,
    );
  check(
    'Verify Locks: results on the statements (information squiggles)',
    infos,
    `${await page.locator('.monaco-editor .squiggly-info').count()} info squiggles`,
  );
  // Hover the type change (line 7) to show what PostgreSQL did there.
  const line7 = page.locator('.monaco-editor .view-line').nth(6);
  const b7 = await boxOf(page, line7);
  await page.mouse.move(b7.x + 80, b7.y + b7.height / 2);
  const dryHover = await page.waitForFunction(`(${visibleText('.monaco-hover')}).includes('Dry run')`, null, { timeout: 15_000 }).then(
    () => page.evaluate(visibleText('.monaco-hover')),
    () => '',
  );
  check(
    'Verify Locks: the hover shows the observed lock',
    /Dry run \(PGlite.*public\.orders \(rewrite/.test(dryHover),
    JSON.stringify(dryHover.slice(0, 200)),
  );
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(IMAGES, 'verify-locks.png') });
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');

  // Split into zero-downtime steps (the timeline's file is still the active editor in group 1).
  await page.locator('.tab', { hasText: '20240401000000_tighten_orders.sql' }).first().click();
  const migrations = join(workspace, 'supabase', 'migrations');
  const beforeSplit = new Set(readdirSync(migrations));
  const tabsBefore = await page.locator('.tab').count();
  await runCommand(page, 'pg-preflight: Split into Zero-Downtime Steps');
  const split = await page
    .waitForFunction((n) => document.querySelectorAll('.tab').length > n, tabsBefore, { timeout: T })
    .then(
      () => true,
      () => false,
    );
  const created = readdirSync(migrations).filter((f) => !beforeSplit.has(f));
  // The extension opens every step file in turn: wait for all of them before typing anything else.
  await page
    .waitForFunction((n) => document.querySelectorAll('.tab').length >= n, tabsBefore + created.length, { timeout: T })
    .catch(() => undefined);
  await page.waitForTimeout(1000);
  check('split created the step files and opened them', split && created.length >= 1, created.join(', '));
  await page.screenshot({ path: join(IMAGES, 'split-steps.png') });

  await browser.close();
  browser = undefined;

  // 5. The extension test suite (client/test/suite) inside the same code-server.
  log('extension test suite in code-server');
  const code = await runExtensionTests({
    url: URL_,
    folder: suiteWorkspace,
    dev: join(ROOT, 'client', 'dist', 'vsix'),
    tests: join(ROOT, 'client', 'dist', 'test', 'suite', 'index.js'),
    chromiumPath: CHROMIUM,
    timeoutMs: 300_000,
    print: (l) => console.log(`    ${l}`),
  });
  check('extension test suite (mocha against the vscode API)', code === 0, `extension host exit code ${code}`);

  // 6. Workspace trust. A second folder whose .pg-preflight.json names a statistics file (48M orders) and a
  // docs URL, opened in Restricted Mode: the language server must ignore both until the folder is trusted.
  cpSync(join(ROOT, 'test-fixtures', 'vscode', 'untrusted-project'), trustWorkspace, { recursive: true });
  cpSync(join(ROOT, 'test-fixtures', 'demo', 'stats.json'), join(trustWorkspace, 'stats.json'));
  spawnSync('bash', [SETUP, 'stop'], { env, stdio: 'ignore' });
  started = false;
  execFileSync('bash', [SETUP, 'start'], { env: { ...env, WORKSPACE: trustWorkspace, WORKSPACE_TRUST: '1' }, stdio: 'pipe' });
  started = true;
  browser = await chromium.launchPersistentContext(trustProfile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 800 },
    args: CHROMIUM_ARGS,
  });
  page = browser.pages()[0] || (await browser.newPage());
  page.setDefaultTimeout(T);
  page.on('pageerror', (e) => log('pageerror:', e.message.split('\n')[0]));
  await page.goto(`${URL_}/?folder=${encodeURIComponent(trustWorkspace)}`);
  await page.waitForSelector('.monaco-workbench');
  await page.waitForSelector('.explorer-folders-view .monaco-list-row');
  const banner = await page
    .waitForFunction(() => /Restricted Mode/.test(document.querySelector('.part.banner')?.innerText ?? ''), null, { timeout: T })
    .then(
      () => page.evaluate(() => document.querySelector('.part.banner').innerText.replace(/\s+/g, ' ')),
      () => '',
    );
  check('untrusted folder opens in Restricted Mode', banner !== '', JSON.stringify(banner.slice(0, 120)));
  await openFile(page, '20240301000000_add_index.sql');
  await page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error').first().waitFor({ state: 'attached', timeout: T });
  await page.waitForTimeout(1000); // every diagnostic of the file is drawn
  const untrusted = await hoverStatement(page, 1, /public\.orders/);
  const untrustedErrors = await page.locator('.monaco-editor .squiggly-error').count();
  check(
    "untrusted: the repository's statsFile and docsBaseUrl are ignored",
    /no table statistics/.test(untrusted.text) &&
      !/48M|snapshot file/.test(untrusted.text) &&
      !untrusted.links.some((l) => l.includes('untrusted.invalid')) &&
      untrustedErrors === 0,
    `${untrustedErrors} error squiggles; hover: ${hoverGist(untrusted.text)}; links: ${JSON.stringify(untrusted.links.slice(0, 1))}`,
  );
  await page.screenshot({ path: join(E2E_HOME, 'untrusted.png') });

  // Trust it through the UI: the banner's "Manage" opens the workspace trust editor, whose "Trust" button
  // trusts this folder only (not its parent: that would be /tmp).
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  await page.locator('.part.banner a', { hasText: 'Manage' }).first().click();
  const trustButton = page.locator('.workspace-trust-editor .workspace-trust-buttons-row .monaco-button', { hasText: /^Trust$/ }).first();
  await trustButton.waitFor({ state: 'visible', timeout: T });
  await trustButton.click();
  // Trusted: the banner is hidden (its text stays in the DOM) and the status bar's "Restricted Mode" goes.
  const trustedNow = await page
    .waitForFunction(
      () =>
        !document.querySelector('.part.banner')?.getClientRects().length &&
        !/Restricted Mode/.test(document.querySelector('.statusbar')?.innerText ?? ''),
      null,
      { timeout: T },
    )
    .then(
      () => true,
      () => false,
    );
  check(
    'trust granted from the Restricted Mode banner',
    trustedNow,
    JSON.stringify(
      (await page.evaluate(() => document.querySelector('.workspace-trust-editor .workspace-trust-title')?.innerText ?? '')).trim(),
    ),
  );
  await page.screenshot({ path: join(E2E_HOME, 'trust-editor.png') });
  // The trust editor opens as a modal editor (VS Code 1.139); its backdrop takes the clicks until closed.
  await page
    .locator('.monaco-modal-editor-block .action-label[aria-label^="Close"]')
    .first()
    .click()
    .catch(() => page.keyboard.press('Escape'));
  await page
    .locator('.monaco-modal-editor-block')
    .first()
    .waitFor({ state: 'hidden', timeout: 15_000 })
    .catch(() => undefined);
  await page.locator('.tab', { hasText: '20240301000000_add_index.sql' }).first().click();
  // pgPreflight/workspaceTrust reaches the server, which re-lints with the statistics: 48M rows make it an error.
  const nowError = await page
    .locator('.monaco-editor .squiggly-error')
    .first()
    .waitFor({ state: 'attached', timeout: T })
    .then(
      () => true,
      () => false,
    );
  const trusted = await hoverStatement(page, 1, /48M/);
  check(
    'trusted: the statistics and the docs URL are then used',
    nowError &&
      /48M/.test(trusted.text) &&
      /snapshot file/.test(trusted.text) &&
      trusted.links.some((l) => l.startsWith('https://docs.untrusted.invalid/rules/')),
    `error squiggle: ${nowError}; hover: ${hoverGist(trusted.text)}; links: ${JSON.stringify(trusted.links.slice(0, 1))}`,
  );
  await page.screenshot({ path: join(E2E_HOME, 'trusted.png') });
} catch (err) {
  check(
    'exception',
    false,
    String(err?.stack ?? err)
      .split('\n')
      .slice(0, 3)
      .join(' '),
  );
  if (page && browser)
    await page.screenshot({ path: join(E2E_HOME, 'error.png') }).then(
      () => log(`screenshot of the failure: ${join(E2E_HOME, 'error.png')}`),
      () => undefined,
    );
  exitCode = 1;
} finally {
  await browser?.close().catch(() => undefined);
  if (started) spawnSync('bash', [SETUP, 'stop'], { env, stdio: 'ignore' });
  await pg?.stop().catch(() => undefined);
  for (const d of [workspaceParent, suiteParent, trustParent, profile, trustProfile]) rmSync(d, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok);
console.log(`\ne2e: ${results.length} checks in ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots in docs/images/`);
console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length || exitCode ? 1 : 0);
