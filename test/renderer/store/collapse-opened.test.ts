/**
 * Closing opened primitives back into their block: the record made when the block was opened
 * brings back exactly the document before the opening (ids, params, label, edges and their order),
 * follows the primitives when they were only moved, and refuses, naming the change, once they or
 * their wires were edited. The record travels with the document (saved, reloaded) and is dropped
 * when its primitives are deleted.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GRAPH_FORMAT, GRAPH_VERSION, GraphDocument } from '../../../engine/graph/schema.ts';
import { createDocumentStore } from '../../../renderer/store/document-store.ts';
import { openedBlocks, openedFrom } from '../../../renderer/store/opened-blocks.ts';

function doc(rnn: { type: string; params: Record<string, unknown> }): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'close',
    nodes: [
      { id: 'x', type: 'input', params: { size: 3 }, position: { x: 0, y: 0 } },
      { id: 'rnn', type: rnn.type, params: rnn.params, position: { x: 300, y: 40 }, label: 'memory' },
      { id: 'o', type: 'output', params: {}, position: { x: 600, y: 0 } },
    ],
    edges: [
      { id: 'e1', source: 'x', sourcePort: 'out', target: 'rnn', targetPort: 'in' },
      { id: 'e2', source: 'rnn', sourcePort: 'out', target: 'o', targetPort: 'in' },
    ],
  };
}

const LSTM = { type: 'lstm', params: { units: 4 } };

function opened(rnn = LSTM) {
  const store = createDocumentStore(doc(rnn));
  const result = store.getState().expandNode('rnn');
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return { store, parts: result.nodes };
}

describe('document store: collapseOpened', () => {
  for (const rnn of [
    LSTM,
    { type: 'gru', params: { units: 3, resetAfter: true } },
    { type: 'elman', params: {} },
    { type: 'lstm', params: { units: 2, layers: 2 } },
    { type: 'bidirectional', params: { cell: { type: 'gru', units: 2, layers: 2 }, merge: 'average' } },
  ])
    it(`gives back the ${rnn.type} block ${JSON.stringify(rnn.params)} exactly, as one undo step`, () => {
      const before = doc(rnn);
      const store = createDocumentStore(before);
      const result = store.getState().expandNode('rnn');
      assert.ok(result.ok, result.ok ? '' : result.reason);
      const expanded = store.getState().doc;
      assert.equal(openedFrom(expanded, result.nodes[0]), 'rnn', 'each primitive knows where it came from');
      const closed = store.getState().collapseOpened('rnn');
      assert.ok(closed.ok, closed.ok ? '' : closed.reason);
      assert.deepEqual(store.getState().doc, before, 'the block, its params, label, id and edges are back, in order');
      assert.deepEqual(store.getState().selection.nodes, ['rnn']);
      store.getState().undo();
      assert.deepEqual(store.getState().doc, expanded, 'one undo opens it again');
    });

  it('follows primitives that were only moved', () => {
    const { store, parts } = opened();
    const positions = Object.fromEntries(store.getState().doc.nodes.filter((n) => parts.includes(n.id)).map((n) => [n.id, { x: n.position.x + 100, y: n.position.y - 50 }]));
    store.getState().moveNodes(positions, 'end');
    const closed = store.getState().collapseOpened('rnn');
    assert.ok(closed.ok, closed.ok ? '' : closed.reason);
    const block = store.getState().doc.nodes.find((n) => n.id === 'rnn');
    assert.deepEqual(block?.position, { x: 400, y: -10 });
    assert.deepEqual(block?.params, { units: 4 });
  });

  it('survives saving and reopening the document', () => {
    const { store } = opened();
    const reread = GraphDocument.parse(JSON.parse(JSON.stringify(store.getState().doc)));
    const again = createDocumentStore(reread);
    const closed = again.getState().collapseOpened('rnn');
    assert.ok(closed.ok, closed.ok ? '' : closed.reason);
    assert.deepEqual(again.getState().doc, doc(LSTM));
  });

  const edits: [string, (s: ReturnType<typeof opened>) => void, RegExp][] = [
    ['changed params', ({ store, parts }) => store.getState().setParams(parts.find((p) => store.getState().doc.nodes.find((n) => n.id === p)?.type === 'linear')!, { units: 9 }), /parameters of its primitive '.*' were changed after 'rnn' was opened/],
    ['a renamed primitive', ({ store, parts }) => store.getState().setLabel(parts[0], 'mine'), /primitive '.*' was renamed/],
    ['a deleted primitive', ({ store, parts }) => store.getState().removeNodes([parts[1]]), /primitive '.*' was deleted/],
    ['a deleted wire', ({ store, parts }) => store.getState().removeEdges([store.getState().doc.edges.find((e) => parts.includes(e.source) && parts.includes(e.target))!.id]), /edge '.*' .* was removed/],
    [
      'a new wire',
      ({ store, parts }) => {
        const tanh = store.getState().addNode('tanh', { x: 0, y: 500 });
        const r = store.getState().connect({ source: parts.find((p) => store.getState().doc.edges.some((e) => e.source === p))!, sourcePort: 'out', target: tanh, targetPort: 'in' });
        assert.ok(r.ok, r.ok ? '' : r.reason);
      },
      /edge '.*' .* was connected to its primitives after 'rnn' was opened/,
    ],
    [
      'another block with its id',
      ({ store }) => store.getState().insertElements([{ id: 'rnn', type: 'tanh', params: {}, position: { x: 9, y: 9 } }], []),
      /another block took its id 'rnn'/,
    ],
  ];
  for (const [name, edit, reason] of edits)
    it(`refuses after ${name}, saying what changed, and changes nothing`, () => {
      const s = opened();
      edit(s);
      const before = s.store.getState().doc;
      const closed = s.store.getState().collapseOpened('rnn');
      assert.equal(closed.ok, false);
      if (!closed.ok) assert.match(closed.reason, reason);
      assert.equal(s.store.getState().doc, before);
    });

  it('forgets the record once every primitive is deleted, and undo brings it back', () => {
    const { store, parts } = opened();
    store.getState().removeNodes(parts.slice(0, 2));
    assert.equal(openedBlocks(store.getState().doc).size, 1, 'some primitives are left: kept (and refused with a reason)');
    store.getState().removeNodes([...parts]);
    assert.equal(store.getState().doc.ui, undefined, 'nothing left to close: the record is gone');
    store.getState().undo();
    assert.equal(openedBlocks(store.getState().doc).size, 1);
  });

  it('refuses a block that was not opened here', () => {
    const store = createDocumentStore(doc(LSTM));
    const closed = store.getState().collapseOpened('rnn');
    assert.equal(closed.ok, false);
    if (!closed.ok) assert.match(closed.reason, /no block 'rnn' was opened/);
  });
});
