/**
 * Both ends parse what they receive: a message that does not match its schema is a 'bad-message'
 * naming the path of the problem, and an unknown method lists the known ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientMessage, METHODS, parseClientMessage, parseHostMessage, parseResult, type Method } from '../../../engine/protocol/index.ts';

describe('parseClientMessage', () => {
  it('names the path of a bad param and keeps the id, so the caller can be answered', () => {
    const r = parseClientMessage({ type: 'request', id: 3, method: 'graph.compile', params: { graph: {}, steps: 0 } });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.id, 3);
    assert.equal(r.error.code, 'bad-message');
    assert.match(r.error.message, /^request 'graph\.compile': params\.steps: /);
  });

  it('names a nested path', () => {
    const r = parseClientMessage({ type: 'request', id: 9, method: 'sample', params: { runId: 'r', temperature: -1 } });
    assert.ok(!r.ok);
    assert.match(r.error.message, /params\.temperature/);
  });

  it('an unknown method lists every known method', () => {
    const r = parseClientMessage({ type: 'request', id: 4, method: 'graph.explode', params: {} });
    assert.ok(!r.ok);
    assert.equal(r.id, 4);
    assert.match(r.error.message, /unknown method 'graph\.explode'/);
    for (const method of Object.keys(METHODS)) assert.ok(r.error.message.includes(method), `lists ${method}`);
  });

  it('text that is not JSON: bad-message, no id', () => {
    const r = parseClientMessage('{"type": "request", "id": 1,');
    assert.ok(!r.ok);
    assert.equal(r.id, undefined);
    assert.match(r.error.message, /^request is not JSON: /);
  });

  it('a negative id cannot be answered: no id is returned', () => {
    const r = parseClientMessage({ type: 'request', id: -1, method: 'files.list', params: {} });
    assert.ok(!r.ok);
    assert.equal(r.id, undefined);
    assert.match(r.error.message, /^request 'files\.list': id: /);
  });

  it('an unknown key is refused, not ignored', () => {
    const r = parseClientMessage({ type: 'request', id: 5, method: 'files.list', params: {}, extra: true });
    assert.ok(!r.ok);
    assert.match(r.error.message, /"extra"/);
  });

  it('accepts JSON text and decoded values alike, and applies defaults', () => {
    const text = parseClientMessage(JSON.stringify({ type: 'request', id: 6, method: 'graph.compile', params: { graph: { any: 'thing' } } }));
    assert.ok(text.ok);
    assert.deepEqual(text.value, { type: 'request', id: 6, method: 'graph.compile', params: { graph: { any: 'thing' }, documentPath: null, steps: 4 } });
    const start = parseClientMessage({ type: 'request', id: 7, method: 'train.start', params: { graph: {} } });
    assert.ok(start.ok);
    assert.deepEqual(start.value.params, { graph: {}, documentPath: null, executor: 'auto' });
  });

  it('every method has a request envelope', () => {
    const minimal: Record<Method, unknown> = {
      'executors.list': {},
      'datasets.list': {},
      'graph.validate': { graph: {} },
      'graph.compile': { graph: {} },
      'train.start': { graph: {} },
      'train.pause': { runId: 'r' },
      'train.resume': { runId: 'r' },
      'train.stop': { runId: 'r' },
      predict: { runId: 'r', input: {} },
      sample: { runId: 'r' },
      decode: { runId: 'r', source: 'abc' },
      'model.export': { runId: 'r' },
      'model.open': { text: '{}' },
      'checkpoints.list': {},
      'checkpoints.open': { id: 'run-1-0123abcd' },
      'checkpoints.discard': { id: 'run-1-0123abcd' },
      'model.onnxChoices': { runId: 'r' },
      'model.exportOnnx': { runId: 'r', steps: 'any' },
      'templates.list': {},
      'templates.open': { id: 't' },
      'files.list': {},
      'files.read': { name: 'a.rnn.json' },
      'files.write': { name: 'a.rnn.json', text: '' },
      'backups.list': {},
      'backups.read': { id: 'backup-1' },
      'backups.write': { id: 'backup-1', text: '' },
      'backups.remove': { id: 'backup-1' },
    };
    for (const [method, params] of Object.entries(minimal)) assert.ok(ClientMessage.safeParse({ type: 'request', id: 1, method, params }).success, method);
  });
});

describe('parseHostMessage and parseResult', () => {
  it('a bad event names the path inside the event', () => {
    const r = parseHostMessage({
      type: 'event',
      event: { type: 'train.steps', runId: 'r', points: [{ step: 1, epoch: 1, loss: 'high', gradNorm: 1, clipped: false }], stepsPerSecond: 3 },
    });
    assert.ok(!r.ok);
    assert.match(r.error.message, /^host message: event\.points\[0\]\.loss: /);
  });

  it('a bad error code in a reply names error.code', () => {
    const r = parseHostMessage({ type: 'reply', id: 1, ok: false, error: { code: 'oops', message: 'x' } });
    assert.ok(!r.ok);
    assert.match(r.error.message, /^host message: error\.code: /);
  });

  it('a result that breaks its method\'s schema names the field', () => {
    const r = parseResult('files.list', { workspace: '/w', files: [{ name: 'a.json', size: 'big', modified: 1 }] });
    assert.ok(!r.ok);
    assert.match(r.error.message, /^result of 'files\.list': files\[0\]\.size: /);
    assert.ok(parseResult('files.list', { workspace: '/w', files: [{ name: 'a.json', size: 3, modified: 1 }] }).ok);
  });
});
