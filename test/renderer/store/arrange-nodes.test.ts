/**
 * The store's arrangeNodes: a tidy-up is one undo step, and the room made for a block's opened
 * cell joins the opening's own undo step, unless something else happened in between.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../../../engine/graph/schema.ts';
import { createDocumentStore } from '../../../renderer/store/document-store.ts';

const start: GraphDocument = {
  format: GRAPH_FORMAT,
  version: GRAPH_VERSION,
  name: 'arrange',
  nodes: [
    { id: 'x', type: 'input', params: { size: 3 }, position: { x: 0, y: 0 } },
    { id: 'rnn', type: 'elman', params: {}, position: { x: 300, y: 0 } },
    { id: 'o', type: 'output', params: {}, position: { x: 600, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: 'x', sourcePort: 'out', target: 'rnn', targetPort: 'in' },
    { id: 'e2', source: 'rnn', sourcePort: 'out', target: 'o', targetPort: 'in' },
  ],
};

const positionOf = (doc: GraphDocument, id: string) => doc.nodes.find((n) => n.id === id)!.position;

describe('document store: arrangeNodes', () => {
  it('moves nodes as one undo step, and an empty move records nothing', () => {
    const store = createDocumentStore(start);
    store.getState().arrangeNodes({ x: { x: 5, y: 6 }, o: { x: 900, y: 0 } });
    assert.deepEqual(positionOf(store.getState().doc, 'x'), { x: 5, y: 6 });
    assert.equal(store.getState().dirty, true);
    store.getState().arrangeNodes({ x: { x: 5, y: 6 } });
    store.getState().undo();
    assert.deepEqual(store.getState().doc, start);
    assert.equal(store.getState().canUndo, false);
  });

  it('joins the undo step of the action that made the document it was given', () => {
    const store = createDocumentStore(start);
    assert.ok(store.getState().expandNode('rnn').ok);
    const opened = store.getState().doc;
    store.getState().arrangeNodes({ o: { x: 1400, y: 0 } }, opened);
    assert.deepEqual(positionOf(store.getState().doc, 'o'), { x: 1400, y: 0 });
    store.getState().undo();
    assert.deepEqual(store.getState().doc, start, 'one undo takes back the opening and the room made for it');
    store.getState().redo();
    assert.deepEqual(positionOf(store.getState().doc, 'o'), { x: 1400, y: 0 }, 'redo brings both back');
  });

  it('is its own undo step when the document changed since', () => {
    const store = createDocumentStore(start);
    assert.ok(store.getState().expandNode('rnn').ok);
    const opened = store.getState().doc;
    store.getState().setName('renamed');
    store.getState().arrangeNodes({ o: { x: 1400, y: 0 } }, opened);
    store.getState().undo();
    assert.deepEqual(positionOf(store.getState().doc, 'o'), { x: 600, y: 0 });
    assert.equal(store.getState().doc.name, 'renamed', 'the rename is not taken back with it');
  });

  it('settleLoaded places a document just loaded without an undo step or an unsaved change', () => {
    const store = createDocumentStore();
    store.getState().load(start, '/graphs/a.rnn.json');
    store.getState().settleLoaded({ o: { x: 900, y: 0 } }, store.getState().doc);
    assert.deepEqual(positionOf(store.getState().doc, 'o'), { x: 900, y: 0 });
    assert.equal(store.getState().dirty, false);
    assert.equal(store.getState().canUndo, false);
    store.getState().setName('renamed');
    store.getState().undo();
    assert.equal(store.getState().dirty, false, 'the placed document is the saved state');
  });

  it('settleLoaded leaves an edited document alone, and an unsaved one unsaved', () => {
    const store = createDocumentStore();
    store.getState().load(start, null);
    const loaded = store.getState().doc;
    store.getState().setName('edited');
    store.getState().settleLoaded({ o: { x: 900, y: 0 } }, loaded);
    assert.deepEqual(positionOf(store.getState().doc, 'o'), { x: 600, y: 0 }, 'edited since: not moved');
    store.getState().load(start, null);
    store.setState({ dirty: true }); // as an import is loaded
    store.getState().settleLoaded({ o: { x: 900, y: 0 } }, store.getState().doc);
    assert.deepEqual(positionOf(store.getState().doc, 'o'), { x: 900, y: 0 });
    assert.equal(store.getState().dirty, true);
  });
});
