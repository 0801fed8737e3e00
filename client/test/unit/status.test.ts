// The status bar texts for every connection state and fault.
import { strict as assert } from 'assert';
import { COLLECT_ERROR_CODES } from '@pg-preflight/shared/dist/collect';
import { FAULT_LABELS, formatAge, formatPgVersion, RETRYABLE, statusView } from '../../src/status';

describe('status bar text', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');

  it('formats server_version_num and ages', () => {
    assert.equal(formatPgVersion(150008), '15.8');
    assert.equal(formatPgVersion(170002), '17.2');
    assert.equal(formatPgVersion(110022), '11.22');
    assert.equal(formatPgVersion(90624), '9.6.24');
    assert.equal(formatAge(20_000), 'just now');
    assert.equal(formatAge(3 * 60_000 + 5000), '3 min old');
    assert.equal(formatAge(2 * 3600_000), '2 h old');
    assert.equal(formatAge(72 * 3600_000), '3 days old');
  });

  it('connected: "pg-preflight: prod-replica · PG 15.8 · stats 3 min old"', () => {
    const v = statusView(
      { kind: 'connected', name: 'prod-replica', serverVersionNum: 150008, capturedAt: '2025-03-01T11:57:00Z', tables: 12 },
      now,
    );
    assert.equal(v.text, '$(database) pg-preflight: prod-replica · PG 15.8 · stats 3 min old');
    assert.equal(v.tone, 'normal');
    assert.match(v.tooltip, /12 tables from prod-replica/);
  });

  it('not connected, connecting', () => {
    assert.equal(statusView({ kind: 'disconnected' }, now).text, '$(database) pg-preflight: not connected');
    assert.match(statusView({ kind: 'disconnected', note: 'untrusted workspace' }, now).tooltip, /untrusted workspace/);
    assert.equal(statusView({ kind: 'connecting', name: 'db' }, now).tone, 'busy');
  });

  it('every fault has a short label: "error: auth failed", ...', () => {
    for (const code of COLLECT_ERROR_CODES) {
      const v = statusView({ kind: 'error', name: 'db', code, message: `could not connect to db: ${code}` }, now);
      assert.equal(v.text, `$(error) pg-preflight: error: ${FAULT_LABELS[code]}`);
      assert.equal(v.tone, 'error');
      assert.match(v.tooltip, /Linting carries on without table sizes/);
    }
    assert.equal(FAULT_LABELS.auth, 'auth failed');
    const retrying = statusView(
      {
        kind: 'error',
        name: 'db',
        code: 'refused',
        message: 'x',
        retryAt: now + 60_000,
        lastGood: { capturedAt: '2025-03-01T11:00:00Z', serverVersionNum: 150008 },
      },
      now,
    );
    assert.match(retrying.tooltip, /Retrying in 60 s/);
    assert.match(retrying.tooltip, /statistics read 1 h old stay in use/);
  });

  it('retries only the faults that can heal on their own', () => {
    assert.deepEqual([...RETRYABLE].sort(), ['dropped', 'other', 'refused', 'timeout', 'unknown-host']);
  });
});
