/**
 * The unrolled layout, on a view shaped like the host's summary of a Jordan network over three
 * steps: every cell is placed exactly once, rows follow block order, columns follow time (work
 * outside time first), recurrent links are marked and run from t to t+1, and "show backward" adds
 * one gradient edge back in time per recurrent link.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { UnrolledView } from '../../../engine/protocol/messages.ts';
import { CELL_HEIGHT, CELL_WIDTH, cellId, columnX, initialViewport, layoutSize, layoutUnrolled, rowY, type CellNode, type UnrolledNode } from '../../../renderer/unrolled/layout.ts';

const T = 3;
const blocks = [
  { id: 'weather', type: 'input', label: 'weather + first dish' },
  { id: 'cook', type: 'jordan', label: 'cook' },
  { id: 'dish', type: 'output', label: 'dish' },
];
const times = [null, 0, 1, 2] as const;

const view: UnrolledView = {
  steps: T,
  blocks,
  // Deliberately not in block order, to show the rows come from `blocks`.
  cells: [...blocks].reverse().flatMap((b, i) => times.map((t) => ({ block: b.id, t, forward: 10 * i + (t ?? -1) + 2, backward: b.type === 'input' ? 0 : 3 }))),
  links: [
    ...[0, 1, 2].map((t) => ({ from: { block: 'weather', t: null }, to: { block: 'weather', t }, kind: 'data' as const })),
    ...[0, 1, 2].map((t) => ({ from: { block: 'weather', t }, to: { block: 'cook', t }, kind: 'data' as const })),
    ...[0, 1, 2].map((t) => ({ from: { block: 'cook', t }, to: { block: 'dish', t }, kind: 'data' as const })),
    ...[0, 1, 2].map((t) => ({ from: { block: 'dish', t }, to: { block: 'dish', t: null }, kind: 'data' as const })),
    { from: { block: 'cook', t: 0 }, to: { block: 'cook', t: 1 }, kind: 'recurrent' },
    { from: { block: 'cook', t: 1 }, to: { block: 'cook', t: 2 }, kind: 'recurrent' },
  ],
  totals: { forward: 61, backward: 74, parameters: 195 },
};

const cells = (nodes: UnrolledNode[]): CellNode[] => nodes.filter((n): n is CellNode => n.type === 'cell');

describe('layoutUnrolled', () => {
  const layout = layoutUnrolled(view, { showBackward: false, selected: new Set(['cook']) });

  test('every cell is placed once, at its own position', () => {
    const placed = cells(layout.nodes);
    assert.equal(placed.length, view.cells.length);
    assert.equal(new Set(placed.map((n) => n.id)).size, placed.length);
    assert.equal(new Set(placed.map((n) => `${n.position.x},${n.position.y}`)).size, placed.length, 'no two cells overlap');
    for (const c of view.cells) {
      const node = placed.find((n) => n.id === cellId(c));
      assert.ok(node, `cell ${c.block}@${c.t} is drawn`);
      assert.equal(node.data.forward, c.forward);
      assert.equal(node.data.backward, c.backward);
      assert.equal(node.draggable, false);
      assert.equal(node.connectable, false);
    }
  });

  test('rows follow block order; columns follow time with work outside time first', () => {
    assert.deepEqual([...layout.rows], [['weather', 0], ['cook', 1], ['dish', 2]]);
    assert.deepEqual([...layout.columns], [[null, 0], [0, 1], [1, 2], [2, 3]]);
    for (const n of cells(layout.nodes)) {
      assert.equal(n.position.y, rowY(layout.rows.get(n.data.block)!));
      assert.equal(n.position.x, columnX(layout.columns.get(n.data.t)!));
    }
    const ys = blocks.map((b) => cells(layout.nodes).find((n) => n.data.block === b.id && n.data.t === 0)!.position.y);
    assert.deepEqual(ys, [...ys].sort((a, b) => a - b), 'earlier blocks are higher up');
    const xs = times.map((t) => cells(layout.nodes).find((n) => n.data.block === 'cook' && n.data.t === t)!.position.x);
    assert.deepEqual(xs, [...xs].sort((a, b) => a - b), 'later steps are further right');
    const rowLabels = layout.nodes.filter((n) => n.type === 'rowLabel').map((n) => n.data.label);
    assert.deepEqual(rowLabels, ['weather + first dish', 'cook', 'dish']);
    const columnLabels = layout.nodes.filter((n) => n.type === 'columnLabel').map((n) => n.data.t);
    assert.deepEqual(columnLabels, [null, 0, 1, 2]);
  });

  test('recurrent links are marked and run from t to t+1 on the same row; data links are not', () => {
    const recurrent = layout.edges.filter((e) => e.data?.kind === 'recurrent');
    assert.equal(recurrent.length, 2);
    for (const e of recurrent) {
      assert.equal(e.type, 'recurrent');
      assert.equal(e.data!.from.block, 'cook');
      assert.equal(e.data!.to.t, (e.data!.from.t ?? NaN) + 1);
      assert.equal(e.sourceHandle, 'right-out');
      assert.equal(e.targetHandle, 'left-in');
    }
    const data = layout.edges.filter((e) => e.data?.kind === 'data');
    assert.equal(data.length, 12);
    assert.ok(data.every((e) => e.type !== 'recurrent'));
    assert.equal(layout.edges.filter((e) => e.data?.kind === 'gradient').length, 0);
  });

  test('data links go down a column, along a bus above the row from the outside column, and below it back', () => {
    const edge = (from: string, to: string) => layout.edges.find((e) => e.source === from && e.target === to)!;
    const down = edge(cellId({ block: 'weather', t: 1 }), cellId({ block: 'cook', t: 1 }));
    assert.deepEqual([down.sourceHandle, down.targetHandle], ['bottom-out', 'top-in']);
    const feed = edge(cellId({ block: 'weather', t: null }), cellId({ block: 'weather', t: 2 }));
    assert.deepEqual([feed.sourceHandle, feed.targetHandle, feed.type], ['top-out', 'top-in', 'smoothstep']);
    const sum = edge(cellId({ block: 'dish', t: 2 }), cellId({ block: 'dish', t: null }));
    assert.deepEqual([sum.sourceHandle, sum.targetHandle, sum.type], ['bottom-out', 'bottom-in', 'smoothstep']);
  });

  test('the cells of the selected block are highlighted', () => {
    for (const n of cells(layout.nodes)) assert.equal(n.data.highlighted, n.data.block === 'cook');
  });

  test('show backward: one gradient edge per recurrent link, from t+1 back to t', () => {
    const back = layoutUnrolled(view, { showBackward: true, selected: new Set() });
    const gradients = back.edges.filter((e) => e.data?.kind === 'gradient');
    assert.equal(gradients.length, 2);
    for (const g of gradients) {
      const forward = back.edges.find((e) => e.data?.kind === 'recurrent' && e.source === g.target && e.target === g.source);
      assert.ok(forward, `${g.id} reverses a recurrent edge`);
    }
    assert.ok(cells(back.nodes).every((n) => n.data.showBackward));
    assert.equal(new Set(back.edges.map((e) => e.id)).size, back.edges.length, 'edge ids are unique');
  });

  test('a view without work outside time starts at step 0; steps with no cells still get a column', () => {
    const inTime: UnrolledView = { ...view, steps: 5, cells: view.cells.filter((c) => c.t !== null), links: view.links.filter((l) => l.from.t !== null && l.to.t !== null) };
    const l = layoutUnrolled(inTime, { showBackward: false, selected: new Set() });
    assert.deepEqual([...l.columns], [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]]);
    assert.equal(cells(l.nodes).length, inTime.cells.length);
  });

  test('a link to a cell that is not in the view is left out rather than dangling', () => {
    const broken: UnrolledView = { ...view, links: [...view.links, { from: { block: 'cook', t: 2 }, to: { block: 'ghost', t: 3 }, kind: 'recurrent' }] };
    const l = layoutUnrolled(broken, { showBackward: false, selected: new Set() });
    const ids = new Set(l.nodes.map((n) => n.id));
    for (const e of l.edges) assert.ok(ids.has(e.source) && ids.has(e.target), `${e.id} attaches to drawn cells`);
  });

  test('the layout size covers every node', () => {
    const size = layoutSize(layout);
    for (const n of layout.nodes) {
      assert.ok(n.position.x + (n.width ?? 0) <= size.width, `${n.id} fits across`);
      assert.ok(n.position.y + (n.height ?? 0) <= size.height, `${n.id} fits down`);
    }
  });
});

describe('initialViewport', () => {
  test('a small layout is shown whole, centred, never enlarged', () => {
    const v = initialViewport({ width: 400, height: 200 }, { width: 1000, height: 500 }, 0.6);
    assert.equal(v.zoom, 1);
    assert.equal(v.x, 300);
    assert.equal(v.y, 150);
  });

  test('a large one is shrunk to fit while it stays readable', () => {
    const v = initialViewport({ width: 2000, height: 400 }, { width: 1024, height: 600 }, 0.4);
    assert.ok(Math.abs(v.zoom - 1000 / 2000) < 1e-9);
    assert.ok(v.x >= 0 && v.y >= 0);
  });

  test('past the readable zoom it starts at the top left instead', () => {
    const v = initialViewport({ width: 3000, height: 800 }, { width: 1000, height: 150 }, 0.6);
    assert.equal(v.zoom, 0.6);
    assert.equal(v.x, 12);
    assert.equal(v.y, 12);
    assert.ok(CELL_WIDTH * v.zoom > 60 && CELL_HEIGHT * v.zoom > 30, 'cells stay big enough to read');
  });
});
