/**
 * Diagnostics follow the document: one validation per burst of edits, none for moving blocks,
 * stale answers dropped, local analysis while the engine is away.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { localDiagnostics, watchDiagnostics } from '../../../renderer/connection/live-validation.ts';
import { validationKey } from '../../../renderer/store/structure-key.ts';
import { createDocumentStore } from '../../../renderer/store/document-store.ts';
import { exampleGraph } from '../../../renderer/store/example-graph.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import type { Diagnostic } from '../../../engine/protocol/messages.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recordingValidator() {
  const calls: { name: string; path: string | null }[] = [];
  const validate = async (_client: unknown, doc: GraphDocument, path: string | null): Promise<Diagnostic[]> => {
    calls.push({ name: doc.name, path });
    return [{ severity: 'warning', code: 'seen', message: doc.name }];
  };
  return { calls, validate };
}

describe('live validation', () => {
  it('validates once after a burst of edits, with the document path', async () => {
    const store = createDocumentStore(exampleGraph());
    store.getState().markSaved('/work/a.rnn.json');
    const { calls, validate } = recordingValidator();
    const stop = watchDiagnostics(store, null, validate, 20);
    for (const name of ['a', 'ab', 'abc']) store.getState().setName(name);
    await sleep(60);
    stop();
    assert.deepEqual(calls, [{ name: 'abc', path: '/work/a.rnn.json' }]);
    assert.deepEqual(store.getState().diagnostics.map((d) => d.message), ['abc']);
  });

  it('moving blocks does not validate again', async () => {
    const store = createDocumentStore(exampleGraph());
    const { calls, validate } = recordingValidator();
    const stop = watchDiagnostics(store, null, validate, 10);
    await sleep(30);
    store.getState().moveNodes({ lstm1: { x: 1, y: 1 } }, 'end');
    await sleep(30);
    stop();
    assert.equal(calls.length, 1);
    assert.equal(validationKey(store.getState().doc, null), validationKey(exampleGraph(), null));
  });

  it('loading a document validates it even when it reads the same', async () => {
    const store = createDocumentStore(exampleGraph());
    const { calls, validate } = recordingValidator();
    const stop = watchDiagnostics(store, null, validate, 10);
    await sleep(30);
    store.getState().load(exampleGraph(), null);
    await sleep(30);
    stop();
    assert.equal(calls.length, 2);
    assert.equal(store.getState().diagnostics.length, 1);
  });

  it('an answer for an older document is dropped', async () => {
    const store = createDocumentStore(exampleGraph());
    const slowFirst = async (_c: unknown, doc: GraphDocument): Promise<Diagnostic[]> => {
      if (doc.name === 'old') await sleep(50);
      return [{ severity: 'warning', code: 'seen', message: doc.name }];
    };
    store.getState().setName('old');
    const stop = watchDiagnostics(store, null, slowFirst, 5);
    await sleep(15);
    store.getState().setName('new');
    await sleep(80);
    stop();
    assert.deepEqual(store.getState().diagnostics.map((d) => d.message), ['new']);
  });

  it('without an engine, the local analysis reports what is wrong', () => {
    const doc = exampleGraph();
    doc.edges = doc.edges.filter((e) => e.id !== 'e2');
    const codes = localDiagnostics(doc).map((d) => `${d.code}@${d.nodeId}`);
    assert.ok(codes.includes('missing-connection@lastStep1'), codes.join(', '));
    assert.deepEqual(localDiagnostics(exampleGraph()), []);
  });
});
