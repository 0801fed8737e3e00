// The project's settings: .pg-preflight.json (found by walking up from a folder, or named explicitly),
// normalised by shared's normalizeSettings and checked against the core's rule ids. Both front ends read
// a config file through readConfigFile, so a problem is reported the same way: the CLI stops on it, the
// editor shows it and goes on with the valid settings. Also decides the project root, which app-file
// discovery and migrationGlobs are relative to.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeSettings, type Settings } from '@pg-preflight/shared';
import { ruleIdProblems } from '../core/rules';
import { InputError, jsonProblem } from './errors';
import { displayPath, exists, findUp, readTextFile } from './fsutil';
import { confinedGlobProblem } from './glob';

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

/** The folder at or above `dir` that holds a config file. */
export function findConfigDir(dir: string): string | undefined {
  return findUp(dir, (d) => isFile(path.join(d, CONFIG_FILE)));
}

/** The git root at or above `dir`. */
export function findGitRoot(dir: string): string | undefined {
  return findUp(dir, (d) => exists(path.join(d, '.git')));
}

/** A config file's settings and its problems (one line each, without the file name); never throws. */
export function readConfigFile(file: string): { settings: Settings; problems: string[] } {
  const r = readTextFile(file, MAX_CONFIG_BYTES);
  if ('why' in r) return { settings: normalizeSettings({}).settings, problems: [r.why] };
  let json: unknown;
  try {
    json = JSON.parse(r.text);
  } catch (err) {
    return { settings: normalizeSettings({}).settings, problems: [jsonProblem(err, r.text)] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { settings: normalizeSettings({}).settings, problems: ['must hold a JSON object of settings'] };
  }
  const { settings, problems } = normalizeSettings(json);
  return { settings, problems: [...problems, ...settingsProblems(settings), ...confineRepositorySettings(settings)] };
}

/**
 * A repository's config names paths relative to its folder and must not reach outside it: a glob that is
 * malformed, absolute or climbs with '..' is dropped, and so is a statsFile that is absolute or climbs
 * out (symbolic links are checked when the file is read: see resolveInside). One problem per value,
 * naming the setting; never quoting a file.
 */
export function confineRepositorySettings(settings: Settings): string[] {
  const problems = globSettingProblems(settings);
  if (settings.statsFile && pathEscapes(settings.statsFile)) {
    problems.push('statsFile must be a path inside the folder of .pg-preflight.json (relative, no leading / or ..)');
    settings.statsFile = '';
  }
  return problems;
}

/** Drops the migrationGlobs that are malformed or reach outside the root; one problem each (migrationGlobs[i]: ...). */
export function globSettingProblems(settings: Settings): string[] {
  const problems: string[] = [];
  const kept: string[] = [];
  settings.migrationGlobs.forEach((g, i) => {
    const why = confinedGlobProblem(g);
    if (why) problems.push(`migrationGlobs[${i}]: ${why}`);
    else kept.push(g);
  });
  if (problems.length) settings.migrationGlobs = kept;
  return problems;
}

/** A relative path that stays below its base, judged by its text alone. */
function pathEscapes(p: string): boolean {
  if (path.isAbsolute(p) || path.win32.isAbsolute(p)) return true;
  return p.split(/[\\/]+/).includes('..');
}

/** What normalizeSettings cannot know: rule ids are the core's. */
export function settingsProblems(settings: Settings): string[] {
  return ruleIdProblems(settings.rules);
}

/** The CLI's config: the explicit file or the one found above `cwd`; any problem is an InputError. */
export function loadConfig(cwd: string, explicit?: string): LoadedConfig {
  let file: string | undefined;
  if (explicit !== undefined) {
    file = path.resolve(cwd, explicit);
    if (!exists(file)) throw new InputError(`--config ${explicit}`, 'no such file');
  } else {
    const dir = findConfigDir(cwd);
    if (dir) file = path.join(dir, CONFIG_FILE);
  }
  if (!file) return { settings: normalizeSettings({}).settings, root: findGitRoot(cwd) ?? path.resolve(cwd) };
  const { settings, problems } = readConfigFile(file);
  if (problems.length) throw new InputError(displayPath(file, cwd), problems.join('; '));
  return { settings, file, root: path.dirname(file) };
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
