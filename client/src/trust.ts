// Workspace trust, passed to the language server: the server reads the repository's .pg-preflight.json
// itself, so VS Code's restrictedConfigurations alone cannot keep an untrusted repository from naming a
// statistics file, a scratch database or a docs URL. The initial state goes in initializationOptions
// (evaluated at every (re)start), a grant in pgPreflight/workspaceTrust. No vscode import: unit-tested.
import { WORKSPACE_TRUST_NOTIFICATION, type InitializationOptions, type WorkspaceTrustParams } from '@pg-preflight/shared';

/** The part of vscode.workspace this needs. */
export interface TrustSource {
  readonly isTrusted: boolean;
  onDidGrantWorkspaceTrust(listener: () => void): { dispose(): void };
}

/** initializationOptions for a server started now. */
export function initializationOptions(source: TrustSource): InitializationOptions {
  return { fileSummaries: false, workspaceTrusted: source.isTrusted };
}

/** Tells a running server when the user grants trust; `send` does nothing while the server is down (it starts with the new state). */
export function forwardTrustGrants(source: TrustSource, send: (method: string, params: WorkspaceTrustParams) => void): { dispose(): void } {
  return source.onDidGrantWorkspaceTrust(() => send(WORKSPACE_TRUST_NOTIFICATION, { trusted: true }));
}
