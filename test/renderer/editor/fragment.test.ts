/**
 * Copy and paste of graph fragments: what is copied (the selected blocks, the edges between them,
 * their params), what paste makes of it in the same or another document (ids and labels made
 * unique, edges following the renamed blocks, one undo step), and how text that is not a fragment
 * is refused without changing anything.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateGraph } from '../../../engine/compiler/compile.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../../../engine/graph/schema.ts';
import { copyFragment, FRAGMENT_FORMAT, fragmentText, parseFragment, pasteElements } from '../../../renderer/editor/fragment.ts';
import { PASTE_OFFSET, pastePositions } from '../../../renderer/editor/place-block.ts';
import { createDocumentStore, emptyDocument } from '../../../renderer/store/document-store.ts';

const source = (): GraphDocument => ({
  format: GRAPH_FORMAT,
  version: GRAPH_VERSION,
  name: 'source',
  nodes: [
    { id: 'x', type: 'input', params: { size: 3 }, position: { x: 0, y: 0 } },
    { id: 'lstm1', type: 'lstm', params: { units: 7, returnSequences: true }, position: { x: 300, y: 40 }, label: 'memory' },
    { id: 'dense1', type: 'dense', params: { units: 2, activation: 'tanh' }, position: { x: 600, y: 40 } },
    { id: 'o', type: 'output', params: {}, position: { x: 900, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: 'x', sourcePort: 'out', target: 'lstm1', targetPort: 'in' },
    { id: 'e2', source: 'lstm1', sourcePort: 'out', target: 'dense1', targetPort: 'in' },
    { id: 'e3', source: 'dense1', sourcePort: 'out', target: 'o', targetPort: 'in' },
  ],
});

/** What the user does: copy the selection to text, parse it back, paste it into `store`. */
function copyPaste(from: GraphDocument, nodes: string[], store: ReturnType<typeof createDocumentStore>) {
  const fragment = copyFragment(from, { nodes, edges: [] });
  assert.ok(fragment);
  const parsed = parseFragment(fragmentText(fragment));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
  const pasted = pasteElements(store.getState().doc, parsed.fragment, pastePositions);
  store.getState().insertElements(pasted.nodes, pasted.edges);
  return pasted;
}

describe('fragment: copy', () => {
  it('takes the selected blocks and only the edges with both ends selected', () => {
    const f = copyFragment(source(), { nodes: ['lstm1', 'dense1'], edges: ['e1'] });
    assert.ok(f);
    assert.equal(f.format, FRAGMENT_FORMAT);
    assert.deepEqual(f.nodes.map((n) => n.id), ['lstm1', 'dense1']);
    assert.deepEqual(f.edges.map((e) => e.id), ['e2'], 'e1 and e3 lead out of the selection');
    assert.deepEqual(f.nodes[0].params, { units: 7, returnSequences: true });
  });

  it('gives nothing when no block is selected', () => {
    assert.equal(copyFragment(source(), { nodes: [], edges: ['e2'] }), null);
  });

  it('is a copy: changing the document afterwards does not change it', () => {
    const doc = source();
    const f = copyFragment(doc, { nodes: ['lstm1'], edges: [] });
    (doc.nodes[1].params as { units: number }).units = 99;
    assert.equal(f?.nodes[0].params.units, 7);
  });
});

describe('fragment: paste', () => {
  it('into another document keeps ids, params, labels and the edge between them, as one undo step', () => {
    const store = createDocumentStore(emptyDocument('other'));
    copyPaste(source(), ['lstm1', 'dense1'], store);
    const doc = store.getState().doc;
    assert.deepEqual(doc.nodes.map((n) => [n.id, n.type, n.params, n.label]), [
      ['lstm1', 'lstm', { units: 7, returnSequences: true }, 'memory'],
      ['dense1', 'dense', { units: 2, activation: 'tanh' }, undefined],
    ]);
    assert.deepEqual(doc.edges, [{ id: 'e2', source: 'lstm1', sourcePort: 'out', target: 'dense1', targetPort: 'in' }]);
    assert.deepEqual(store.getState().selection, { nodes: ['lstm1', 'dense1'], edges: ['e2'] }, 'the pasted blocks are selected');
    store.getState().undo();
    assert.deepEqual(store.getState().doc, emptyDocument('other'), 'one undo removes the whole paste');
    assert.equal(store.getState().canUndo, false);
  });

  it('into the same document renames blocks, edges and labels, and moves the copy next to the original', () => {
    const store = createDocumentStore(source());
    const pasted = copyPaste(source(), ['x', 'lstm1', 'dense1'], store);
    assert.deepEqual(pasted.nodes.map((n) => n.id), ['x2', 'lstm2', 'dense2']);
    assert.deepEqual(pasted.nodes.map((n) => n.label), [undefined, 'memory 2', undefined]);
    assert.deepEqual(
      pasted.edges.map((e) => [e.id, e.source, e.target]),
      [
        ['e4', 'x2', 'lstm2'],
        ['e5', 'lstm2', 'dense2'],
      ],
    );
    assert.deepEqual(pasted.nodes[1].position, { x: 300 + PASTE_OFFSET.x, y: 40 + PASTE_OFFSET.y });
    const doc = store.getState().doc;
    assert.equal(new Set(doc.nodes.map((n) => n.id)).size, 7);
    // The copy's internal wiring came with it: no pasted block has an unconnected input.
    const missing = validateGraph(doc).filter((d) => d.code === 'missing-connection');
    assert.deepEqual(missing.map((d) => d.nodeId), []);
  });

  it('a second paste of the same copy lands beside the first, not on it', () => {
    const store = createDocumentStore(source());
    const first = copyPaste(source(), ['lstm1'], store);
    const second = copyPaste(source(), ['lstm1'], store);
    assert.deepEqual(first.nodes.map((n) => [n.id, n.label]), [['lstm2', 'memory 2']]);
    assert.deepEqual(second.nodes.map((n) => [n.id, n.label]), [['lstm3', 'memory 3']]);
    assert.notDeepEqual(second.nodes[0].position, first.nodes[0].position);
  });
});

describe('fragment: text that is not copied blocks', () => {
  const cases: [string, string, RegExp][] = [
    ['plain text', 'hello world', /not graph JSON/],
    ['empty', '', /not graph JSON/],
    ['a JSON array', '[1,2]', /JSON that is not copied blocks/],
    ['a whole graph', JSON.stringify(source()), /whole graph.*File ▸ Open/],
    ['a newer version', JSON.stringify({ format: FRAGMENT_FORMAT, version: 2, nodes: [], edges: [] }), /version 2 .*reads 1/],
    ['no blocks', JSON.stringify({ format: FRAGMENT_FORMAT, version: 1, nodes: [], edges: [] }), /at nodes: a fragment holds at least one block/],
    [
      'an unknown block type',
      JSON.stringify({ format: FRAGMENT_FORMAT, version: 1, nodes: [{ id: 'a', type: 'warp', params: {}, position: { x: 0, y: 0 } }], edges: [] }),
      /at nodes\.0\.type: 'warp' is not a block type/,
    ],
    [
      'an edge to a block outside it',
      JSON.stringify({ format: FRAGMENT_FORMAT, version: 1, nodes: [{ id: 'a', type: 'tanh', params: {}, position: { x: 0, y: 0 } }], edges: [{ id: 'e', source: 'a', sourcePort: 'out', target: 'zz', targetPort: 'in' }] }),
      /at edges\.0\.target: edge 'e' ends at 'zz'/,
    ],
    [
      'a bad id',
      JSON.stringify({ format: FRAGMENT_FORMAT, version: 1, nodes: [{ id: '9 lives', type: 'tanh', params: {}, position: { x: 0, y: 0 } }], edges: [] }),
      /at nodes\.0\.id: ids are/,
    ],
    [
      'a missing position',
      JSON.stringify({ format: FRAGMENT_FORMAT, version: 1, nodes: [{ id: 'a', type: 'tanh', params: {} }], edges: [] }),
      /at nodes\.0\.position/,
    ],
  ];
  for (const [name, text, reason] of cases)
    it(`refuses ${name}, saying why`, () => {
      const parsed = parseFragment(text);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.reason, reason);
    });
});
