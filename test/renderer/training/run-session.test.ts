/**
 * The run session against a real EngineClient over an in-memory transport: Start sends the
 * document and its path, the reply's run id ties the events to the run, a refusal fails it, the
 * buttons' requests carry the run id, and a replaced connection ends the run it carried.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineClient, type Transport } from '../../../engine/protocol/client.ts';
import type { ClientMessage, HostEvent, HostMessage } from '../../../engine/protocol/messages.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { RunSession } from '../../../renderer/training/run-session.ts';

/** The host's end: records requests, answers them and sends events when the test says so. */
class FakeHost implements Transport {
  readonly sent: ClientMessage[] = [];
  private listener: ((raw: unknown) => void) | null = null;
  private closeListener: ((reason: string) => void) | null = null;
  send(message: ClientMessage): void {
    this.sent.push(message);
  }
  onMessage(listener: (raw: unknown) => void): void {
    this.listener = listener;
  }
  onClose(listener: (reason: string) => void): void {
    this.closeListener = listener;
  }
  close(): void {
    this.closeListener?.('closed');
  }
  deliver(message: HostMessage): void {
    // Over the wire as JSON, as a WebSocket would carry it.
    this.listener?.(JSON.stringify(message));
  }
  reply(result: unknown, index = this.sent.length - 1): void {
    this.deliver({ type: 'reply', id: this.sent[index].id, ok: true, result });
  }
  refuse(code: 'graph-has-errors' | 'busy', message: string): void {
    this.deliver({ type: 'reply', id: this.sent[this.sent.length - 1].id, ok: false, error: { code, message } });
  }
  event(event: HostEvent): void {
    this.deliver({ type: 'event', event });
  }
}

const doc: GraphDocument = {
  format: 'rnn-studio.graph',
  version: 1,
  name: 'tiny',
  nodes: [],
  edges: [],
  dataset: { type: 'text', params: { file: 'diary.txt' } },
};

const tick = () => new Promise<void>((r) => setImmediate(r));

function connected() {
  const host = new FakeHost();
  const session = new RunSession();
  session.attach(new EngineClient(host));
  return { host, session, state: () => session.store.getState() };
}

const started = (runId: string): HostEvent => ({
  type: 'train.started',
  runId,
  executor: { name: 'reference', device: 'cpu', version: '1' },
  executorReason: 'onnxruntime-node could not be loaded',
  examples: 10,
  steps: 5,
  batchSize: 2,
  batchesPerEpoch: 5,
  epochs: 1,
  parameters: 40,
});

describe('run session', () => {
  test('Start sends the document and its path, and the run follows the events of its id', async () => {
    const { host, session, state } = connected();
    const reply = session.start(doc, '/home/me/tiny.rnn.json', 'file:/home/me/tiny.rnn.json');
    assert.equal(state().phase, 'starting');
    assert.equal(state().datasetType, 'text');
    const request = host.sent[0];
    assert.equal(request.method, 'train.start');
    assert.deepEqual(request.params, { graph: doc, documentPath: '/home/me/tiny.rnn.json' });
    host.reply({ runId: 'run-1-aaaaaaaa' });
    assert.deepEqual(await reply, { ok: true, value: { runId: 'run-1-aaaaaaaa' } });
    host.event(started('run-1-aaaaaaaa'));
    host.event({ type: 'train.steps', runId: 'run-1-aaaaaaaa', points: [{ step: 1, epoch: 1, loss: 2.5, gradNorm: 1, clipped: false }], stepsPerSecond: 12 });
    host.event({ type: 'train.steps', runId: 'run-9-bbbbbbbb', points: [{ step: 1, epoch: 1, loss: 9, gradNorm: 1, clipped: false }], stepsPerSecond: 12 });
    assert.equal(state().phase, 'running');
    assert.equal(state().info?.executorReason, 'onnxruntime-node could not be loaded');
    assert.equal(state().series.length, 1);
    assert.equal(state().lastLoss, 2.5);

    const pause = session.pause();
    assert.deepEqual(host.sent.at(-1), { type: 'request', id: host.sent.at(-1)!.id, method: 'train.pause', params: { runId: 'run-1-aaaaaaaa' } });
    host.reply({});
    assert.equal((await pause).ok, true);
    host.event({ type: 'train.paused', runId: 'run-1-aaaaaaaa', paused: true });
    assert.equal(state().phase, 'paused');

    const stop = session.stop();
    assert.equal(host.sent.at(-1)!.method, 'train.stop');
    host.reply({});
    await stop;
    host.event({ type: 'train.ended', runId: 'run-1-aaaaaaaa', reason: 'cancelled', message: 'stopped at epoch 1, step 1', epochs: 0, steps: 1, loss: 2.5 });
    assert.equal(state().phase, 'ended');

    const sample = session.sample({ prime: 'The ', temperature: 0.7, length: 20 });
    assert.deepEqual(host.sent.at(-1)!.params, { prime: 'The ', temperature: 0.7, length: 20, runId: 'run-1-aaaaaaaa' });
    host.reply({ text: 'The cook made pie.' });
    assert.deepEqual(await sample, { ok: true, value: { text: 'The cook made pie.' } });

    const decode = session.decode({ source: 'abc' });
    assert.deepEqual(host.sent.at(-1)!.params, { source: 'abc', runId: 'run-1-aaaaaaaa' });
    const decoded = { source: ['a', 'b', 'c'], tokens: ['c', 'b', 'a'], ended: false, attention: [{ block: 'attn', weights: [[0, 0, 1], [0, 1, 0], [1, 0, 0]] }] };
    host.reply(decoded);
    assert.deepEqual(await decode, { ok: true, value: decoded });
  });

  test('a refused start fails the run with the host error', async () => {
    const { host, session, state } = connected();
    const reply = session.start(doc, null, 'unsaved:1');
    host.refuse('graph-has-errors', "the graph has 1 error; the first at node 'gru': missing input");
    const r = await reply;
    assert.equal(r.ok, false);
    assert.equal(state().phase, 'failed');
    assert.deepEqual(state().failure, { code: 'graph-has-errors', message: "the graph has 1 error; the first at node 'gru': missing input" });
  });

  test('Start while a run is active is refused here, without a request', async () => {
    const { host, session } = connected();
    const first = session.start(doc, null, 'unsaved:1');
    const second = await session.start(doc, null, 'unsaved:1');
    assert.equal(second.ok, false);
    assert.equal(host.sent.length, 1);
    host.reply({ runId: 'run-1-aaaaaaaa' });
    assert.equal((await first).ok, true);
  });

  test('without a connection, Start fails at once and says so', async () => {
    const session = new RunSession();
    const r = await session.start(doc, null, 'unsaved:1');
    assert.equal(r.ok, false);
    assert.equal(session.store.getState().phase, 'failed');
    assert.equal(session.store.getState().failure?.code, 'host-unavailable');
  });

  test('a new connection to the same host keeps the run; to a restarted host, the run is gone', async () => {
    const { host, session, state } = connected();
    host.event({ type: 'host.status', state: 'ready', pid: 100, protocol: 1, message: null });
    const reply = session.start(doc, null, 'unsaved:1');
    host.reply({ runId: 'run-1-aaaaaaaa' });
    await reply;
    host.event(started('run-1-aaaaaaaa'));

    // The socket dropped and came back: same host process, same run.
    const again = new FakeHost();
    session.attach(new EngineClient(again));
    again.event({ type: 'host.status', state: 'ready', pid: 100, protocol: 1, message: null });
    again.event({ type: 'train.steps', runId: 'run-1-aaaaaaaa', points: [{ step: 1, epoch: 1, loss: 1, gradNorm: 1, clipped: false }], stepsPerSecond: 1 });
    assert.equal(state().phase, 'running');
    assert.equal(state().series.length, 1);
    host.event({ type: 'train.steps', runId: 'run-1-aaaaaaaa', points: [{ step: 2, epoch: 1, loss: 1, gradNorm: 1, clipped: false }], stepsPerSecond: 1 });
    assert.equal(state().series.length, 1, 'the old client is no longer listened to');

    // The host restarted under a new pid: the run went with the old process.
    const restarted = new FakeHost();
    session.attach(new EngineClient(restarted));
    restarted.event({ type: 'host.status', state: 'ready', pid: 200, protocol: 1, message: null });
    assert.equal(state().phase, 'failed');
    assert.equal(state().failure?.code, 'connection-lost');
  });

  test('attaching the same client twice subscribes once', async () => {
    const host = new FakeHost();
    const client = new EngineClient(host);
    const session = new RunSession();
    session.attach(client);
    session.attach(client);
    const reply = session.start(doc, null, 'unsaved:1');
    host.reply({ runId: 'run-1-aaaaaaaa' });
    await reply;
    host.event(started('run-1-aaaaaaaa'));
    host.event({ type: 'train.steps', runId: 'run-1-aaaaaaaa', points: [{ step: 1, epoch: 1, loss: 1, gradNorm: 1, clipped: false }], stepsPerSecond: 1 });
    await tick();
    assert.equal(session.store.getState().series.length, 1);
  });

  test('a host crash reported on the connection fails the run', async () => {
    const { host, session, state } = connected();
    const reply = session.start(doc, null, 'unsaved:1');
    host.reply({ runId: 'run-1-aaaaaaaa' });
    await reply;
    host.event(started('run-1-aaaaaaaa'));
    host.event({ type: 'host.status', state: 'crashed', pid: null, protocol: 1, message: 'killed by signal SIGKILL' });
    assert.equal(state().phase, 'failed');
    assert.deepEqual(state().failure, { code: 'host-crashed', message: 'killed by signal SIGKILL' });
  });
});
