/**
 * The store's expandNode: opening a block is one undo step (undo restores the macro and its
 * edges exactly, redo opens it again), selects the new nodes, and a refusal changes nothing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateGraph } from '../../../engine/compiler/compile.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../../../engine/graph/schema.ts';
import { createDocumentStore } from '../../../renderer/store/document-store.ts';

function doc(rnn: { type: string; params: Record<string, unknown> }): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: 'open',
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

describe('document store: expandNode', () => {
  for (const rnn of [
    { type: 'lstm', params: { units: 4 } },
    { type: 'gru', params: { units: 3, resetAfter: false } },
    { type: 'elman', params: {} },
    { type: 'jordan', params: { outputUnits: 2 } },
    { type: 'dense', params: { units: 2, activation: 'relu' } },
  ])
    it(`opens ${rnn.type} as one undo step; undo restores the block`, () => {
      const store = createDocumentStore(doc(rnn));
      const before = store.getState().doc;
      const result = store.getState().expandNode('rnn');
      assert.ok(result.ok, result.ok ? '' : result.reason);
      const after = store.getState().doc;
      assert.ok(!after.nodes.some((n) => n.id === 'rnn'), 'the block is gone');
      assert.deepEqual(validateGraph(after), [], 'the opened graph is valid');
      assert.deepEqual(store.getState().selection.nodes, [...result.nodes], 'the new nodes are selected');
      assert.ok(result.weights.length > 0, 'the weight mapping comes back');
      assert.equal(store.getState().dirty, true);
      store.getState().undo();
      assert.deepEqual(store.getState().doc, before, 'undo restores the macro block and its edges');
      assert.equal(store.getState().dirty, false);
      assert.equal(store.getState().canUndo, false, 'opening was a single history entry');
      store.getState().redo();
      assert.deepEqual(store.getState().doc, after, 'redo opens it again');
    });

  it('a block that cannot be opened is refused with its reason, and nothing changes', () => {
    const store = createDocumentStore(doc({ type: 'jordan', params: { outputUnits: 2, teacherForcing: true } }));
    const before = store.getState().doc;
    const result = store.getState().expandNode('rnn');
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.reason, /teacherForcing/);
    assert.equal(store.getState().doc, before);
    assert.equal(store.getState().canUndo, false);
  });
});
