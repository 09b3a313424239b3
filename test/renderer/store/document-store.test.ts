/**
 * The document store: every action undoes and redoes exactly, a drag is one undo step, dirty
 * follows the saved state, and loading starts a fresh history.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { createDocumentStore, type DocumentStore } from '../../../renderer/store/document-store.ts';
import { exampleGraph } from '../../../renderer/store/example-graph.ts';
import { COALESCE_MS } from '../../../renderer/store/history.ts';

/** A store on the example graph with a clock the test moves by hand. */
function setup(doc: GraphDocument = exampleGraph()) {
  let time = 0;
  const store = createDocumentStore(doc, { now: () => time });
  return { store, s: () => store.getState(), later: (ms = COALESCE_MS + 1) => (time += ms) };
}

/** Runs `action`, then checks that undo restores the document before it and redo the one after. */
function assertUndoable(store: DocumentStore, action: () => void): void {
  const before = store.getState().doc;
  action();
  const after = store.getState().doc;
  assert.notDeepEqual(after, before, 'the action changed the document');
  assert.equal(store.getState().canUndo, true);
  store.getState().undo();
  assert.deepEqual(store.getState().doc, before, 'undo restores the document');
  assert.equal(store.getState().canRedo, true);
  store.getState().redo();
  assert.deepEqual(store.getState().doc, after, 'redo applies it again');
}

describe('document store: actions undo and redo', () => {
  const cases: [string, (s: ReturnType<typeof setup>) => void][] = [
    ['addNode', ({ s }) => void s().addNode('gru', { x: 10, y: 20 })],
    ['removeNodes (and their edges)', ({ s }) => s().removeNodes(['lstm1'])],
    ['removeEdges', ({ s }) => s().removeEdges(['e2'])],
    ['removeSelection', ({ s }) => {
      s().select(['dense1'], ['e1']);
      s().removeSelection();
    }],
    ['moveNodes', ({ s }) => s().moveNodes({ lstm1: { x: 1, y: 2 } }, 'end')],
    ['setParams', ({ s }) => s().setParams('lstm1', { units: 8 })],
    ['setLabel', ({ s }) => s().setLabel('lstm1', 'memory')],
    ['setName', ({ s }) => s().setName('renamed')],
    ['setDescription', ({ s }) => s().setDescription('about it')],
    ['setDataset', ({ s }) => s().setDataset({ type: 'sine', params: { window: 10 } })],
    ['setTraining', ({ s }) => s().setTraining({ epochs: 3 })],
  ];
  for (const [name, act] of cases)
    it(name, () => {
      const t = setup();
      assertUndoable(t.store, () => act(t));
    });

  it('connect', () => {
    const t = setup();
    t.s().removeEdges(['e4']);
    assertUndoable(t.store, () => {
      const r = t.s().connect({ source: 'dense1', sourcePort: 'out', target: 'output1', targetPort: 'in' });
      assert.deepEqual(r, { ok: true, edgeId: 'e4' });
    });
  });

  it('removing a node removes its edges and drops it from the selection', () => {
    const { s } = setup();
    s().select(['lstm1']);
    s().removeNodes(['lstm1']);
    assert.deepEqual(s().doc.edges.map((e) => e.id), ['e3', 'e4']);
    assert.deepEqual(s().selection.nodes, []);
    s().undo();
    assert.equal(s().doc.edges.length, 4);
  });

  it('an action that changes nothing records nothing', () => {
    const { s } = setup();
    s().removeSelection();
    s().setParams('lstm1', { ...s().doc.nodes[1].params });
    s().moveNodes({ lstm1: s().doc.nodes[1].position }, 'end');
    assert.equal(s().canUndo, false);
  });

  it('a new action after undo clears redo', () => {
    const { s } = setup();
    s().setName('a');
    s().undo();
    s().setLabel('lstm1', 'x');
    assert.equal(s().canRedo, false);
  });
});

describe('document store: ids and defaults', () => {
  it('names nodes <blockType><n> and edges e<n>, never reusing a taken id', () => {
    const { s } = setup();
    const first = s().addNode('lstm', { x: 0, y: 0 });
    const second = s().addNode('lstm', { x: 0, y: 0 });
    assert.equal(first, 'lstm2');
    assert.equal(second, 'lstm3');
    const r = s().connect({ source: 'input1', sourcePort: 'out', target: 'lstm2', targetPort: 'in' });
    assert.deepEqual(r, { ok: true, edgeId: 'e5' });
  });

  it('a new node has its block\'s default params and is selected', () => {
    const { s } = setup();
    const id = s().addNode('dense', { x: 5, y: 6 });
    const node = s().doc.nodes.find((n) => n.id === id);
    assert.deepEqual(node?.params, { units: 16, activation: 'linear', useBias: true });
    assert.deepEqual(node?.position, { x: 5, y: 6 });
    assert.deepEqual(s().selection, { nodes: [id], edges: [] });
  });

  it('refuses an unknown block type', () => {
    const { s } = setup();
    assert.throws(() => s().addNode('nope', { x: 0, y: 0 }), /unknown block type 'nope'/);
  });
});

describe('document store: dragging', () => {
  it('a whole drag is one undo step, and positions update while dragging', () => {
    const { s } = setup();
    const start = s().doc.nodes.find((n) => n.id === 'lstm1')!.position;
    for (let i = 1; i <= 20; i++) {
      s().moveNodes({ lstm1: { x: start.x + i, y: start.y + 2 * i }, dense1: { x: i, y: i } }, 'drag');
      assert.deepEqual(s().doc.nodes.find((n) => n.id === 'lstm1')!.position, { x: start.x + i, y: start.y + 2 * i });
      assert.equal(s().canUndo, false, 'nothing recorded mid-drag');
    }
    s().moveNodes({ lstm1: { x: start.x + 21, y: start.y + 42 } }, 'end');
    assert.equal(s().canUndo, true);
    assert.deepEqual(s().doc.nodes.find((n) => n.id === 'dense1')!.position, { x: 20, y: 20 });
    s().undo();
    assert.deepEqual(s().doc, exampleGraph(), 'one undo takes back the whole drag');
    assert.equal(s().canUndo, false);
    s().redo();
    assert.deepEqual(s().doc.nodes.find((n) => n.id === 'lstm1')!.position, { x: start.x + 21, y: start.y + 42 });
  });

  it('an action during a drag first records the drag as its own step', () => {
    const { s } = setup();
    s().moveNodes({ lstm1: { x: 999, y: 999 } }, 'drag');
    s().setName('during');
    s().undo();
    assert.deepEqual(s().doc.nodes.find((n) => n.id === 'lstm1')!.position, { x: 999, y: 999 });
    s().undo();
    assert.deepEqual(s().doc, exampleGraph());
  });
});

describe('document store: typing merges into one step', () => {
  it('quick successive edits of one field are one undo step; a pause starts a new one', () => {
    const { s, later } = setup();
    s().setParams('lstm1', { units: 1 });
    later(100);
    s().setParams('lstm1', { units: 12 });
    later(100);
    s().setParams('lstm1', { units: 128 });
    later();
    s().setParams('lstm1', { units: 64 });
    s().undo();
    assert.deepEqual(s().doc.nodes[1].params, { units: 128 });
    s().undo();
    assert.deepEqual(s().doc, exampleGraph());
  });

  it('edits of different fields stay separate', () => {
    const { s } = setup();
    s().setParams('lstm1', { units: 1 });
    s().setParams('dense1', { units: 2 });
    s().undo();
    assert.deepEqual(s().doc.nodes[1].params, { units: 1 });
  });
});

describe('document store: dirty and load', () => {
  it('dirty compares with the last loaded or saved document, also after undo', () => {
    const { s, later } = setup();
    assert.equal(s().dirty, false);
    s().setName('changed');
    assert.equal(s().dirty, true);
    s().undo();
    assert.equal(s().dirty, false, 'undo back to the loaded state is clean');
    s().redo();
    s().markSaved('/tmp/a.rnn.json');
    assert.equal(s().dirty, false);
    assert.equal(s().path, '/tmp/a.rnn.json');
    later();
    s().setLabel('lstm1', 'x');
    assert.equal(s().dirty, true);
    s().undo();
    assert.equal(s().dirty, false);
    s().undo();
    assert.equal(s().dirty, true, 'before the save differs from what was saved');
  });

  it('a drag makes the document dirty, and dragging back makes it clean', () => {
    const { s } = setup();
    const p = s().doc.nodes[0].position;
    s().moveNodes({ input1: { x: 7, y: 7 } }, 'drag');
    assert.equal(s().dirty, true);
    s().moveNodes({ input1: p }, 'end');
    assert.equal(s().dirty, false);
  });

  it('load replaces everything and clears the history', () => {
    const { s } = setup();
    s().setName('x');
    s().select(['lstm1']);
    s().setDiagnostics([{ severity: 'error', code: 'c', message: 'm' }]);
    const other: GraphDocument = { format: 'rnn-studio.graph', version: 1, name: 'other', nodes: [], edges: [] };
    s().load(other, '/files/other.rnn.json');
    assert.deepEqual(s().doc, other);
    assert.equal(s().path, '/files/other.rnn.json');
    assert.equal(s().dirty, false);
    assert.equal(s().canUndo, false);
    assert.equal(s().canRedo, false);
    assert.deepEqual(s().selection, { nodes: [], edges: [] });
    assert.deepEqual(s().diagnostics, []);
    s().undo();
    assert.deepEqual(s().doc, other, 'nothing to undo into');
  });

  it('load keeps its own copy: changing the caller\'s object changes nothing', () => {
    const { s } = setup();
    const doc = exampleGraph();
    s().load(doc, null);
    doc.nodes[0].params.size = 99;
    assert.equal(s().doc.nodes[0].params.size, 2);
    assert.equal(s().dirty, false);
  });
});

describe('document store: selection', () => {
  it('stays out of the history and drops ids that do not exist', () => {
    const { s } = setup();
    s().select(['lstm1', 'ghost'], ['e1']);
    assert.deepEqual(s().selection, { nodes: ['lstm1'], edges: ['e1'] });
    assert.equal(s().canUndo, false);
  });

  it('undo of an addNode drops the new node from the selection', () => {
    const { s } = setup();
    const id = s().addNode('relu', { x: 0, y: 0 });
    assert.deepEqual(s().selection.nodes, [id]);
    s().undo();
    assert.deepEqual(s().selection.nodes, []);
  });
});
