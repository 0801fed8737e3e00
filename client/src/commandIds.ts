// Command ids: the server's (registered by the LanguageClient from the server's executeCommandProvider)
// and the client's own. No vscode import: the manifest test reads these.
import { COMMANDS } from '@pg-preflight/shared';

/** The trace engine's dry run, served by the language server once it is wired there. */
export const VERIFY_LOCKS_COMMAND = 'pgPreflight.verifyLocks';

export const SERVER_COMMANDS: ReadonlySet<string> = new Set([...Object.values(COMMANDS), VERIFY_LOCKS_COMMAND]);

/** Commands the client registers itself (every contributed command is one of these or a server command). */
export const CLIENT_COMMANDS = [
  'pgPreflight.connect',
  'pgPreflight.disconnect',
  'pgPreflight.refreshStatistics',
  'pgPreflight.exportStatistics',
  'pgPreflight.newMigration',
  'pgPreflight.showServerLogs',
  'pgPreflight.restartServer',
  'pgPreflight.statusMenu',
] as const;
