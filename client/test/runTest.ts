// The extension test suite in a desktop VS Code, through @vscode/test-electron (downloads VS Code: works on
// a developer's machine and in public CI; this project's sandbox cannot download it and runs the same suite
// in code-server instead: npm run test:e2e). Usage: npm run test:vscode
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..', '..');
  const extensionDevelopmentPath = path.join(root, 'client', 'dist', 'vsix');
  if (!fs.existsSync(path.join(extensionDevelopmentPath, 'out', 'extension.js')))
    throw new Error('run `node client/scripts/package.js --no-vsix` first (npm run test:vscode does)');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pgpf-vscode-'));
  fs.cpSync(path.join(root, 'test-fixtures', 'vscode', 'supabase-project'), workspace, { recursive: true });
  const { runTests } = await import('@vscode/test-electron');
  try {
    await runTests({
      extensionDevelopmentPath,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`extension tests failed: ${(err as Error)?.message ?? err}`);
  process.exit(1);
});
