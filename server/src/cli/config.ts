// Settings for a CLI run: .pg-preflight.json (found by walking up from the working directory, or
// named by --config) normalised by shared's normalizeSettings, then the command-line flags on top.
// Also decides the project root, which app-file discovery and migrationGlobs are relative to.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeSettings, type Settings } from '@pg-preflight/shared';
import { CliError, oneLine } from './errors';
import { displayPath, exists, findUp, readTextFileOrThrow } from './fsutil';

export const CONFIG_FILE = '.pg-preflight.json';
/** A config file is small; anything bigger is a mistake. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface LoadedConfig {
  settings: Settings;
  /** Absolute path of the config file used, if any. */
  file?: string;
  /** Folder holding the config file, else the git root above cwd, else cwd. */
  root: string;
}

export function loadConfig(cwd: string, explicit?: string): LoadedConfig {
  let file: string | undefined;
  if (explicit !== undefined) {
    file = path.resolve(cwd, explicit);
    if (!exists(file)) throw new CliError(`--config ${explicit}`, 'no such file');
  } else {
    const dir = findUp(cwd, (d) => isFile(path.join(d, CONFIG_FILE)));
    if (dir) file = path.join(dir, CONFIG_FILE);
  }
  if (!file) {
    const root = findUp(cwd, (d) => exists(path.join(d, '.git'))) ?? path.resolve(cwd);
    return { settings: normalizeSettings({}).settings, root };
  }
  const shown = displayPath(file, cwd);
  const text = readTextFileOrThrow(file, shown, MAX_CONFIG_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(shown, `invalid JSON: ${oneLine((err as Error).message)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CliError(shown, 'must hold a JSON object of settings');
  const { settings, problems } = normalizeSettings(json);
  if (problems.length) throw new CliError(shown, problems.join('; '));
  return { settings, file, root: path.dirname(file) };
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
