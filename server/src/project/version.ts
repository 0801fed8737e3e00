// pg-preflight's own version, from server/package.json (dist/src/project/ -> the package root: the
// published layout). Read once per process.
import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

export function toolVersion(): string {
  if (cached === undefined) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version?: string };
      cached = pkg.version ?? '0.0.0';
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}
