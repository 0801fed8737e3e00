// What the extension tells the language server about workspace trust: the state at start in
// initializationOptions, and a pgPreflight/workspaceTrust notification when the user grants trust.
import { strict as assert } from 'assert';
import { WORKSPACE_TRUST_NOTIFICATION } from '@pg-preflight/shared';
import { forwardTrustGrants, initializationOptions, type TrustSource } from '../../src/trust';

class FakeWorkspace implements TrustSource {
  isTrusted = false;
  private listeners: (() => void)[] = [];
  onDidGrantWorkspaceTrust(listener: () => void) {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }
  grant() {
    this.isTrusted = true;
    for (const l of this.listeners) l();
  }
}

describe('workspace trust sent to the server', () => {
  it('initializationOptions carry the trust of the moment the server starts', () => {
    const ws = new FakeWorkspace();
    assert.deepEqual(initializationOptions(ws), { fileSummaries: false, workspaceTrusted: false });
    ws.isTrusted = true;
    assert.equal(initializationOptions(ws).workspaceTrusted, true);
  });

  it('a grant sends pgPreflight/workspaceTrust { trusted: true }, until disposed', () => {
    const ws = new FakeWorkspace();
    const sent: [string, unknown][] = [];
    const sub = forwardTrustGrants(ws, (m, p) => sent.push([m, p]));
    assert.deepEqual(sent, []);
    ws.grant();
    assert.deepEqual(sent, [[WORKSPACE_TRUST_NOTIFICATION, { trusted: true }]]);
    assert.equal(WORKSPACE_TRUST_NOTIFICATION, 'pgPreflight/workspaceTrust');
    sub.dispose();
    ws.grant();
    assert.equal(sent.length, 1);
  });
});
