/**
 * The supervisor's restart policy with real child processes: a host that dies at once is
 * restarted with a growing delay and given up on after MAX_CRASHES crashes within the window;
 * requests waiting for it, and any sent afterwards, are refused with the reason.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HostSupervisor, MAX_CRASHES } from '../../../engine/host/supervisor.ts';
import type { HostMessage } from '../../../engine/protocol/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'rnn-supervisor-'));

function recordingClient() {
  const got: HostMessage[] = [];
  const states = () => got.flatMap((m) => (m.type === 'event' && m.event.type === 'host.status' ? [m.event.state] : []));
  return { got, states, send: (m: HostMessage) => void got.push(structuredClone(m)) };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HostSupervisor', () => {
  it(`a host that keeps dying is restarted, then left stopped after ${MAX_CRASHES} crashes`, async () => {
    const entry = join(dir, 'dies.mjs');
    writeFileSync(entry, 'process.exit(3);\n');
    const supervisor = new HostSupervisor({ entry, args: [], execArgv: [], restartDelayMs: 5 });
    const client = recordingClient();
    const connection = supervisor.connect(client);
    // Sent before the host ever becomes ready: held, then refused when the supervisor gives up.
    connection.receive(JSON.stringify({ type: 'request', id: 41, method: 'datasets.list', params: {} }));
    const started = Date.now();
    supervisor.start();
    await until(() => client.states().includes('stopped'), 'the supervisor to give up');
    assert.ok(Date.now() - started < 5000);

    const expected = ['starting', ...Array.from({ length: MAX_CRASHES - 1 }, () => ['crashed', 'restarting']).flat(), 'crashed', 'stopped'];
    assert.deepEqual(client.states(), expected);
    const crashed = client.got.find((m) => m.type === 'event' && m.event.type === 'host.status' && m.event.state === 'crashed');
    assert.ok(crashed?.type === 'event' && crashed.event.type === 'host.status');
    assert.match(crashed.event.message ?? '', /exit code 3/);
    assert.equal(supervisor.status.state, 'stopped');
    assert.match(supervisor.status.message ?? '', new RegExp(`stopped ${MAX_CRASHES} times within 30 s`));

    connection.receive(JSON.stringify({ type: 'request', id: 42, method: 'templates.list', params: {} }));
    const replies = client.got.filter((m) => m.type === 'reply');
    assert.deepEqual(replies.map((r) => r.type === 'reply' && !r.ok && [r.id, r.error.code]), [
      [41, 'host-unavailable'],
      [42, 'host-unavailable'],
    ]);
    await supervisor.stop();
  });

  it('a bad message from a client is answered by the supervisor itself', async () => {
    const supervisor = new HostSupervisor({ entry: join(dir, 'never-started.mjs'), args: [], execArgv: [] });
    const client = recordingClient();
    supervisor.connect(client).receive('{"type":"request","id":5,"method":"files.list","params":{"extra":1}}');
    const reply = client.got.find((m) => m.type === 'reply');
    assert.ok(reply?.type === 'reply' && !reply.ok);
    assert.equal(reply.id, 5);
    assert.equal(reply.error.code, 'bad-message');
    assert.match(reply.error.message, /params: Unrecognized key: "extra"/);
    await supervisor.stop();
  });
});
