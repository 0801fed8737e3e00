// The help texts, rendered from the command table (commands.ts), and the version.
import { mainUsage, usage } from './commands';

export { toolVersion } from '../project/version';

export const MAIN_USAGE = mainUsage();
export const CHECK_USAGE = usage('check');
export const LSP_USAGE = usage('lsp');
