// Command ids: the server's (registered by the LanguageClient from the server's executeCommandProvider)
// and the client's own. No vscode import: the manifest test reads these.
import { COMMANDS } from '@pg-preflight/shared';

/** The trace engine's dry run; the menus show it when the server advertises it (servers before 0.2 did not). */
export const VERIFY_LOCKS_COMMAND = COMMANDS.verifyLocks;

export const SERVER_COMMANDS: ReadonlySet<string> = new Set(Object.values(COMMANDS));

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
