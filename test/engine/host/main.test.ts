/**
 * engine/host/main.ts started as Electron starts it: a process whose `process.parentPort` hands
 * over ports (stood in for by fixtures/fake-parent-port.mjs, which has the members the host uses).
 * Each port is a connection that gets ready, its replies and every event; the parent port gets
 * ready and the replies to its own requests only.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostMessage } from '../../../engine/protocol/index.ts';
import { TEMPLATES_DIR } from '../../helpers/templates.ts';
import { templateJson } from './harness.ts';

interface Report {
  kind: 'started' | 'port' | 'parent';
  port?: string;
  message?: unknown;
}

let child: ChildProcess;
/** A graph that parses but has errors: compiling it sends a diagnostics event. */
const broken = { format: 'rnn-studio.graph', version: 1, name: 'x', nodes: [{ id: 'i', type: 'input', params: { size: 0 }, position: { x: 0, y: 0 } }], edges: [] };
const reports: Report[] = [];

async function until(check: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(reports).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Messages the host posted to `to` ('parent' or a port name), parsed as a client parses them. */
const received = (to: string): HostMessage[] =>
  reports.filter((r) => (to === 'parent' ? r.kind === 'parent' : r.kind === 'port' && r.port === to)).map((r) => HostMessage.parse(r.message));
const replies = (to: string) => received(to).filter((m) => m.type === 'reply');
const eventTypes = (to: string) => received(to).flatMap((m) => (m.type === 'event' ? [m.event.type] : []));

before(() => {
  child = fork('engine/host/main.ts', ['--templates', TEMPLATES_DIR], {
    execArgv: ['--import', 'tsx', '--import', pathToFileURL('test/engine/host/fixtures/fake-parent-port.mjs').href],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', (m) => reports.push(m as Report));
});
after(() => {
  child.kill();
});

describe('the engine host under Electron (parentPort and MessagePorts)', () => {
  it('tells the parent port it is ready, with its pid', async () => {
    await until(() => received('parent').length > 0, 'ready on the parent port');
    const [first] = received('parent');
    assert.ok(first.type === 'event' && first.event.type === 'host.status');
    assert.equal(first.event.state, 'ready');
    assert.equal(first.event.pid, child.pid);
  });

  it('each handed-over port is started and gets ready; replies go to the asker, events to every port', async () => {
    child.send({ kind: 'attach', port: 'a' });
    child.send({ kind: 'attach', port: 'b' });
    await until(() => eventTypes('a').includes('host.status') && eventTypes('b').includes('host.status'), 'ready on both ports');
    assert.ok(reports.some((r) => r.kind === 'started' && r.port === 'a'));

    child.send({ kind: 'to-port', port: 'a', message: { type: 'request', id: 1, method: 'templates.open', params: { id: 'sine-elman' } } });
    // A graph with errors: the reply goes to b, its diagnostics event to a and b.
    child.send({ kind: 'to-port', port: 'b', message: { type: 'request', id: 1, method: 'graph.compile', params: { graph: broken } } });
    await until(() => replies('a').length === 1 && replies('b').length === 1 && eventTypes('a').includes('diagnostics'), 'both replies');
    const [ra] = replies('a');
    const [rb] = replies('b');
    assert.ok(ra.type === 'reply' && ra.ok);
    assert.ok(rb.type === 'reply' && !rb.ok && rb.error.code === 'graph-has-errors');
    assert.ok(eventTypes('b').includes('diagnostics'));
    assert.ok(!eventTypes('parent').includes('diagnostics'), 'the parent port does not get the event stream');
  });

  it('the parent port may ask too; a closed port is dropped; a bad message is answered', async () => {
    child.send({ kind: 'to-parent', message: { type: 'request', id: 9, method: 'datasets.list', params: {} } });
    await until(() => replies('parent').length === 1, 'the reply on the parent port');
    child.send({ kind: 'close', port: 'b' });
    child.send({ kind: 'to-port', port: 'a', message: { type: 'request', id: 2, method: 'graph.compile', params: { graph: { format: 'nope' } } } });
    child.send({ kind: 'to-port', port: 'a', message: { type: 'request', id: 3, method: 'graph.burn', params: {} } });
    child.send({ kind: 'to-port', port: 'a', message: { type: 'request', id: 4, method: 'graph.compile', params: { graph: broken } } });
    await until(() => replies('a').length === 4, 'three more replies on a');
    const codes = Object.fromEntries(replies('a').map((r) => [r.id, r.type === 'reply' && !r.ok && r.error.code]));
    assert.deepEqual(codes, { 1: false, 2: 'invalid-graph', 3: 'bad-message', 4: 'graph-has-errors' });
    assert.equal(eventTypes('a').filter((t) => t === 'diagnostics').length, 2);
    assert.equal(eventTypes('b').filter((t) => t === 'diagnostics').length, 1, 'b got no event after it closed');
  });

  it('a folder the user chose is opened to dataset files through the parent port only, never by a page', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'rnn-chosen-'));
    try {
      writeFileSync(join(folder, 'diary.txt'), 'a diary long enough to cut into training examples of the text. '.repeat(20));
      const graph = templateJson('char-gru.rnn.json');
      graph.dataset.params.file = 'diary.txt';
      const validate = (id: number) => ({ type: 'request', id, method: 'graph.validate', params: { graph, documentPath: join(folder, 'g.rnn.json') } });
      const datasetErrors = (id: number) => {
        const reply = replies('c').find((r) => r.id === id);
        assert.ok(reply?.type === 'reply' && reply.ok);
        return (reply.result as { diagnostics: { code: string }[] }).diagnostics.filter((d) => d.code === 'dataset').length;
      };
      child.send({ kind: 'attach', port: 'c' });
      child.send({ kind: 'to-port', port: 'c', message: { type: 'folders.chosen', folders: [folder] } });
      child.send({ kind: 'to-port', port: 'c', message: validate(1) });
      await until(() => replies('c').some((r) => r.id === 1), 'the first validation');
      assert.equal(datasetErrors(1), 1, 'a page cannot open a folder');
      child.send({ kind: 'to-parent', message: { type: 'folders.chosen', folders: [folder] } });
      child.send({ kind: 'to-port', port: 'c', message: validate(2) });
      await until(() => replies('c').some((r) => r.id === 2), 'the second validation');
      assert.equal(datasetErrors(2), 0, 'main opened it');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
