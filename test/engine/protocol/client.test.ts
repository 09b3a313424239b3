/**
 * The UI's end of the protocol over an in-memory transport: replies matched to their requests
 * whatever their order, results checked, deadlines, a closed connection, and nothing that arrives
 * dropped without a trace.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineClient, type Transport } from '../../../engine/protocol/client.ts';
import type { ClientMessage, HostMessage } from '../../../engine/protocol/messages.ts';

/** The host side of an in-memory connection: what the client sent, and a way to answer. */
function pair() {
  const sent: ClientMessage[] = [];
  let deliver: (raw: unknown) => void = () => {};
  let closeListener: (reason: string) => void = () => {};
  let failSend = false;
  const transport: Transport = {
    send: (m) => {
      if (failSend) throw new Error('port closed');
      sent.push(structuredClone(m));
    },
    onMessage: (l) => (deliver = l),
    onClose: (l) => (closeListener = l),
    close: () => {},
  };
  const client = new EngineClient(transport);
  return {
    client,
    sent,
    reply: (m: HostMessage | string | unknown) => deliver(typeof m === 'string' ? m : JSON.stringify(m)),
    closeFromHost: (reason: string) => closeListener(reason),
    breakSend: () => (failSend = true),
  };
}

const files = (workspace: string) => ({ workspace, files: [] });

describe('EngineClient', () => {
  it('matches replies to their requests, whatever order they come in', async () => {
    const { client, sent, reply } = pair();
    const a = client.call('files.list', {});
    const b = client.call('files.list', {});
    assert.equal(sent.length, 2);
    assert.notEqual(sent[0].id, sent[1].id);
    reply({ type: 'reply', id: sent[1].id, ok: true, result: files('/second') });
    reply({ type: 'reply', id: sent[0].id, ok: true, result: files('/first') });
    assert.deepEqual(await a, { ok: true, value: files('/first') });
    assert.deepEqual(await b, { ok: true, value: files('/second') });
    assert.deepEqual(client.problems, []);
  });

  it('passes error replies through and checks results against the method\'s schema', async () => {
    const { client, sent, reply } = pair();
    const failed = client.call('templates.open', { id: 'x' });
    reply({ type: 'reply', id: sent[0].id, ok: false, error: { code: 'not-found', message: "no template 'x'" } });
    assert.deepEqual(await failed, { ok: false, error: { code: 'not-found', message: "no template 'x'" } });

    const wrong = client.call('templates.open', { id: 'y' });
    reply({ type: 'reply', id: sent[1].id, ok: true, result: { text: 1, documentPath: '/t' } });
    const r = await wrong;
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'bad-message');
    assert.match(r.error.message, /result of 'templates\.open': text: /);
  });

  it('dispatches events by type until unsubscribed', () => {
    const { client, reply } = pair();
    const seen: number[] = [];
    const off = client.on('train.paused', (e) => seen.push(e.paused ? 1 : 0));
    reply({ type: 'event', event: { type: 'train.paused', runId: 'r', paused: true } });
    reply({ type: 'event', event: { type: 'diagnostics', source: 'train', diagnostics: [] } });
    off();
    reply({ type: 'event', event: { type: 'train.paused', runId: 'r', paused: false } });
    assert.deepEqual(seen, [1]);
  });

  it('times out, and records a reply that comes after the deadline', async () => {
    const { client, sent, reply } = pair();
    const started = performance.now();
    const r = await client.call('datasets.list', {}, { timeoutMs: 30 });
    assert.ok(performance.now() - started >= 25);
    assert.deepEqual(r, { ok: false, error: { code: 'timeout', message: "the engine did not answer 'datasets.list' within 0.03 s" } });
    reply({ type: 'reply', id: sent[0].id, ok: true, result: { datasets: [] } });
    assert.equal(client.problems.length, 1);
    assert.match(client.problems[0], new RegExp(`request ${sent[0].id}\\b`));
  });

  it('fails pending calls when the connection closes, and every later call at once', async () => {
    const { client, closeFromHost } = pair();
    const pending = client.call('files.list', {}, { timeoutMs: 0 });
    closeFromHost('the engine host stopped');
    assert.deepEqual(await pending, { ok: false, error: { code: 'host-unavailable', message: 'the engine went away: the engine host stopped' } });
    assert.ok(client.closed);
    const later = await client.call('files.list', {});
    assert.deepEqual(later, { ok: false, error: { code: 'host-unavailable', message: 'the engine host stopped' } });
  });

  it('a send that throws fails that call, not the caller', async () => {
    const { client, breakSend } = pair();
    breakSend();
    const r = await client.call('files.list', {});
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'host-unavailable');
    assert.match(r.error.message, /port closed/);
  });

  it('records messages that do not parse instead of dropping them silently', () => {
    const { client, reply } = pair();
    reply('not json at all');
    reply({ type: 'event', event: { type: 'train.nonsense', runId: 'r' } });
    reply({ type: 'reply', id: 'one', ok: true, result: {} });
    assert.equal(client.problems.length, 3);
    assert.match(client.problems[0], /not JSON/);
    assert.match(client.problems[1], /^host message: event\.type: /);
    assert.match(client.problems[2], /^host message: id: /);
  });
});
