/**
 * Answers fixed for the host's life are asked once per connection: the real engine service over
 * an in-memory transport answers, later askers share the request, a new connection asks again,
 * and a failed answer is asked again rather than kept.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATASETS } from '../../../engine/datasets/index.ts';
import { EXECUTOR_IDS } from '../../../engine/protocol/executors.ts';
import { askHost } from '../../../renderer/connection/use-host-constant.ts';
import { createFakeHost } from '../files/fake-host.ts';

describe('answers fixed for the host’s life', () => {
  it('asks each method once per connection and gives the host’s own answer', async () => {
    const host = createFakeHost();
    try {
      const [a, b] = await Promise.all([askHost(host.client, 'datasets.list'), askHost(host.client, 'datasets.list')]);
      assert.equal(a.status, 'ready');
      assert.equal(a, b, 'both askers get the one answer');
      assert.deepEqual(a.status === 'ready' && a.value.datasets.map((d) => d.type).sort(), Object.keys(DATASETS).sort());
      const executors = await askHost(host.client, 'executors.list');
      assert.deepEqual(executors.status === 'ready' && executors.value.executors.map((e) => e.id), [...EXECUTOR_IDS]);
      await askHost(host.client, 'datasets.list');
      assert.deepEqual(host.requests.map((r) => r.method), ['datasets.list', 'executors.list']);
    } finally {
      host.dispose();
    }
  });

  it('asks again on a new connection, and after a failure', async () => {
    const first = createFakeHost();
    const second = createFakeHost();
    try {
      await askHost(first.client, 'executors.list');
      await askHost(second.client, 'executors.list');
      assert.equal(second.requests.length, 1, 'a new connection asks for itself');

      first.disconnect();
      const other = createFakeHost();
      other.disconnect();
      const failed = await askHost(other.client, 'datasets.list');
      assert.equal(failed.status, 'failed');
      assert.match(failed.status === 'failed' ? failed.message : '', /./);
      const again = await askHost(other.client, 'datasets.list');
      assert.notEqual(again, failed, 'a failure is not kept');
      other.dispose();
    } finally {
      first.dispose();
      second.dispose();
    }
  });
});
