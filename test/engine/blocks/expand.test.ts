/**
 * Opening a macro block (engine/blocks/expand.ts): the cell of primitives it becomes, fed the
 * block's weights cut by `carryWeights`, computes the same predictions and loss on the float64
 * reference (to 1e-12), and the pieces' gradients put back by `gatherGradients` are the block's
 * gradients. The opened document parses, validates without a diagnostic and has no two nodes at
 * one position; blocks that cannot be opened say why.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { carryWeights, expandNode, gatherGradients, OPENABLE_BLOCKS } from '../../../engine/blocks/expand.ts';
import { validateGraph } from '../../../engine/compiler/compile.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { GraphDocument } from '../../../engine/graph/schema.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { compile, graph, maxAbsDiff, type NodeTable } from '../../helpers/graphs.ts';

const STEPS = 5;
const BATCH = 3;
const TOLERANCE = 1e-12;

interface Case {
  readonly name: string;
  readonly nodes: NodeTable;
  readonly edges: readonly string[];
}

/** x → rnn → o, with the block `rnn` of `type` and `params`. */
const around = (type: string, params: Record<string, unknown>, size = 3): Case => ({
  name: `${type} ${JSON.stringify(params)}`,
  nodes: { x: ['input', { size }], rnn: [type, params], o: ['output', { loss: 'meanSquaredError' }] },
  edges: ['x -> rnn', 'rnn -> o'],
});

const CASES: readonly Case[] = [
  around('elman', { units: 4 }),
  around('elman', { units: 3, activation: 'relu', returnSequences: false }),
  around('elman', { units: 4, activation: 'linear', recurrentInitializer: 'identity', dropout: 0.3 }),
  around('jordan', { units: 4, outputUnits: 3 }),
  around('jordan', { units: 4, outputUnits: 2, feedback: 'preActivation', outputActivation: 'sigmoid', returnSequences: false }),
  around('lstm', { units: 4 }),
  around('lstm', { units: 3, activation: 'relu', recurrentActivation: 'sigmoid', returnSequences: false, unitForgetBias: false }),
  around('lstm', { units: 3, activation: 'linear' }),
  around('gru', { units: 4, resetAfter: true }),
  around('gru', { units: 4, resetAfter: false }),
  around('gru', { units: 3, resetAfter: false, activation: 'relu', returnSequences: false }),
  around('gru', { units: 3, resetAfter: true, recurrentActivation: 'tanh', returnSequences: false }),
  around('jordan', { units: 4, outputUnits: 3, contextDecay: 0.5 }),
  around('jordan', { units: 3, outputUnits: 2, contextDecay: 0.3, feedback: 'preActivation', returnSequences: false }),
  around('elman', { units: 3, layers: 2 }),
  around('lstm', { units: 3, layers: 3, dropout: 0.4, returnSequences: false }),
  around('gru', { units: 3, layers: 2, resetAfter: false, dropout: 0.25 }),
  around('peepholeLstm', { units: 3 }),
  around('peepholeLstm', { units: 4, layers: 2, activation: 'relu', returnSequences: false, unitForgetBias: false }),
  around('ctrnn', { units: 4 }),
  around('ctrnn', { units: 3, activation: 'relu', dt: 0.5, tauInit: 2, layers: 2, returnSequences: false }),
  around('bidirectional', { cell: { type: 'ctrnn', units: 3, activation: 'sigmoid', dt: 0.25, tauInit: 1.5 }, merge: 'average' }),
  around('bidirectional', { cell: { type: 'lstm', units: 3 } }),
  around('bidirectional', { cell: { type: 'gru', units: 3, resetAfter: false }, merge: 'sum', returnSequences: false }),
  around('bidirectional', { cell: { type: 'elman', units: 4, activation: 'relu' }, merge: 'average' }),
  around('bidirectional', { cell: { type: 'peepholeLstm', units: 3, layers: 2, dropout: 0.3 }, merge: 'multiply', returnSequences: false }),
  around('bidirectional', { cell: { type: 'gru', units: 2, layers: 3 }, merge: 'concat' }),
  around('dense', { units: 4, activation: 'tanh' }),
  around('dense', { units: 3, useBias: false }),
  {
    name: 'lstm whose out, final h and final c all feed the next blocks (x also read elsewhere)',
    nodes: {
      x: ['input', { size: 3 }],
      rnn: ['lstm', { units: 3 }],
      skip: ['dense', { units: 3 }],
      sum: ['add'],
      hc: ['concat'],
      last: ['lastStep'],
      mix: ['add'],
      top: ['dense', { units: 6 }],
      o: ['output', { loss: 'meanSquaredError' }],
    },
    edges: ['x -> rnn', 'x -> skip', 'rnn -> sum.a', 'skip -> sum.b', 'sum -> last', 'rnn.h -> hc.a', 'rnn.c -> hc.b', 'last -> top', 'top -> mix.a', 'hc -> mix.b', 'mix -> o'],
  },
  {
    name: 'gru (resetAfter false) that is not returning sequences, read by out and h',
    nodes: { x: ['input', { size: 2 }], rnn: ['gru', { units: 3, resetAfter: false, returnSequences: false }], s: ['add'], o: ['output', { loss: 'meanSquaredError' }] },
    edges: ['x -> rnn', 'rnn -> s.a', 'rnn.h -> s.b', 's -> o'],
  },
  {
    name: 'stacked peephole LSTM whose final h and c (every layer) feed the next blocks',
    nodes: { x: ['input', { size: 3 }], rnn: ['peepholeLstm', { units: 2, layers: 2 }], last: ['lastStep'], hc: ['concat'], s: ['concat'], o: ['output', { loss: 'meanSquaredError' }] },
    edges: ['x -> rnn', 'rnn -> last', 'rnn.h -> hc.a', 'rnn.c -> hc.b', 'last -> s.a', 'hc -> s.b', 's -> o'],
  },
  {
    name: "bidirectional with merge 'none' read by its forward and backward ports, and h and c",
    nodes: {
      x: ['input', { size: 3 }],
      rnn: ['bidirectional', { cell: { type: 'lstm', units: 2, layers: 2 }, merge: 'none', returnSequences: false }],
      fb: ['concat'],
      hc: ['concat'],
      s: ['concat'],
      o: ['output', { loss: 'meanSquaredError' }],
    },
    edges: ['x -> rnn', 'rnn.forward -> fb.a', 'rnn.backward -> fb.b', 'rnn.h -> hc.a', 'rnn.c -> hc.b', 'fb -> s.a', 'hc -> s.b', 's -> o'],
  },
  {
    name: 'dense on a vector (after a last step)',
    nodes: { x: ['input', { size: 3 }], l: ['lastStep'], rnn: ['dense', { units: 2, activation: 'sigmoid' }], o: ['output', { loss: 'binaryCrossEntropy' }] },
    edges: ['x -> l', 'l -> rnn', 'rnn -> o'],
  },
  // Every block that opens, as it comes: a new cell kind is checked here without a line of its own.
  ...[...OPENABLE_BLOCKS].map((type) => around(type, {})),
];

const asTensor = (shape: readonly number[], data: ArrayLike<number>): Tensor64 => tensor([...shape], Float64Array.from(data));

describe('opening a macro block into primitives computes exactly what the block computes', () => {
  for (const [index, c] of CASES.entries())
    it(c.name, (t) => {
      const doc = graph(c.nodes, c.edges);
      assert.deepEqual(validateGraph(doc), [], 'the macro graph is valid');
      const opened = expandNode(doc, 'rnn');
      assert.ok(opened.ok, opened.ok ? '' : opened.reason);

      // The document: parses, validates, distinct positions, the block gone, its parts named after it.
      const parsed = GraphDocument.safeParse(opened.doc);
      assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
      assert.deepEqual(validateGraph(opened.doc), []);
      const positions = opened.doc.nodes.map((n) => `${n.position.x},${n.position.y}`);
      assert.equal(new Set(positions).size, positions.length, 'no two nodes at one position');
      assert.ok(!opened.doc.nodes.some((n) => n.id === 'rnn'));
      for (const id of opened.nodes) assert.match(id, /^rnn_/);
      assert.ok(opened.doc.nodes.filter((n) => opened.nodes.includes(n.id)).every((n) => n.label && n.label.length > 0), 'every part is labelled');

      const macro = compile(doc, STEPS, BATCH);
      const cell = compile(opened.doc, STEPS, BATCH);
      const own = macro.weights.filter((w) => w.node === 'rnn');
      const others = macro.weights.filter((w) => w.node !== 'rnn');

      const rng = mulberry32(1000 + index);
      const feeds: Record<string, Tensor64> = {};
      for (const w of macro.weights) feeds[w.param] = randomTensor(w.shape, rng, 0.7);
      feeds.x = randomTensor(macro.inputs.find((i) => i.name === 'x')!.shape, rng);
      feeds.y = randomTensor(macro.inputs.find((i) => i.name === 'y')!.shape, rng);
      // Dropout between layers: the macro's mask for layer k is the opened dropout block's.
      const masks = new Map<string, string>();
      for (const input of macro.inputs.filter((i) => i.name.startsWith('mask:rnn.l'))) {
        const rate = Number(c.nodes.rnn[1]?.dropout ?? (c.nodes.rnn[1]?.cell as Record<string, unknown> | undefined)?.dropout);
        feeds[input.name] = tensor(input.shape, randomTensor(input.shape, rng).data.map((v) => (v > 0 ? 1 / (1 - rate) : 0)));
        masks.set(`mask:rnn_dropout_${input.name.slice('mask:rnn.'.length)}`, input.name);
      }
      assert.deepEqual(
        cell.inputs.filter((i) => i.name.startsWith('mask:')).map((i) => i.name),
        [...masks.keys()],
        'one dropout block per dropout between layers',
      );
      if (c.nodes.o[1]?.loss === 'binaryCrossEntropy') feeds.y = tensor(feeds.y.shape, feeds.y.data.map((v) => (v > 0 ? 1 : 0)));

      const carried = carryWeights(opened.weights, 'rnn', new Map(own.map((w) => [w.param, feeds[w.param].data])), (n) => new Float64Array(n));
      const cellParams = new Set(cell.weights.map((w) => w.param));
      assert.deepEqual(cellParams, new Set([...others.map((w) => w.param), ...carried.keys()]), 'every weight of the cell is a piece of the block or an untouched weight');
      const cellFeeds: Record<string, Tensor64> = { x: feeds.x, y: feeds.y };
      for (const [mask, macroMask] of masks) cellFeeds[mask] = feeds[macroMask];
      for (const w of cell.weights) cellFeeds[w.param] = carried.has(w.param) ? asTensor(w.shape, carried.get(w.param)!) : feeds[w.param];

      const expected = runReference(macro.train, feeds);
      const got = runReference(cell.train, cellFeeds);
      const errors: Record<string, number> = { loss: maxAbsDiff(got.loss.data, expected.loss.data), 'out:o': maxAbsDiff(got['out:o'].data, expected['out:o'].data) };
      const gathered = gatherGradients(opened.weights, 'rnn', new Map([...carried.keys()].map((p) => [p, got[`grad:${p}`].data])));
      for (const w of own) {
        const g = gathered.get(w.param);
        assert.ok(g, `no piece of ${w.param}`);
        assert.ok(expected[`grad:${w.param}`].data.some((v) => v !== 0), `grad:${w.param} is not all zero`);
        errors[`grad:${w.param}`] = maxAbsDiff(g, expected[`grad:${w.param}`].data);
      }
      for (const w of others) errors[`grad:${w.param}`] = maxAbsDiff(got[`grad:${w.param}`].data, expected[`grad:${w.param}`].data);
      t.diagnostic(`${opened.nodes.length} nodes; max differences: ${Object.entries(errors).map(([k, e]) => `${k} ${e.toExponential(2)}`).join(', ')}`);
      for (const [name, error] of Object.entries(errors)) assert.ok(error <= TOLERANCE, `${name}: max difference ${error.toExponential(2)}`);
    });
});

describe('weight pieces', () => {
  it('carryWeights cuts gate column blocks and gatherGradients puts them back where they came from', () => {
    const doc = graph({ x: ['input', { size: 2 }], rnn: ['gru', { units: 2, resetAfter: true }], o: ['output'] }, ['x -> rnn', 'rnn -> o']);
    const opened = expandNode(doc, 'rnn');
    assert.ok(opened.ok);
    // kernel [2, 6] holding 0..11, bias [2, 6] holding 100..111.
    const kernel = Float64Array.from({ length: 12 }, (_, i) => i);
    const bias = Float64Array.from({ length: 12 }, (_, i) => 100 + i);
    const recurrentKernel = Float64Array.from({ length: 12 }, (_, i) => 200 + i);
    const weights = new Map([['rnn.kernel', kernel], ['rnn.bias', bias], ['rnn.recurrentKernel', recurrentKernel]]);
    const carried = carryWeights(opened.weights, 'rnn', weights, (n) => new Float64Array(n));
    assert.deepEqual([...carried.get('rnn_xW_r.kernel')!], [2, 3, 8, 9], 'reset gate: columns 2–3 of each row');
    assert.deepEqual([...carried.get('rnn_xW_h.bias')!], [104, 105], "candidate's input bias: row 0, columns 4–5");
    assert.deepEqual([...carried.get('rnn_hU_h.bias')!], [110, 111], "candidate's recurrent bias: row 1, columns 4–5");
    const back = gatherGradients(opened.weights, 'rnn', carried);
    for (const [name, w] of weights) assert.deepEqual([...back.get(name)!], [...w], `${name} is rebuilt from its pieces`);
  });
});

describe('blocks that cannot be opened say why', () => {
  const refused: readonly [string, Case, string, RegExp][] = [
    ['jordan fed its targets (teacher forcing)', around('jordan', { units: 3, outputUnits: 2, teacherForcing: true }), 'rnn', /teacherForcing/],
    ['invalid params', around('gru', { units: -1 }), 'rnn', /params are not valid/],
    ['a primitive', around('linear', { units: 2 }), 'rnn', /already a primitive/],
    ['an output block', around('dense', { units: 2 }), 'o', /not built from primitive/],
    ['an unknown node', around('dense', { units: 2 }), 'nope', /no block 'nope'/],
    [
      'a connected initial state',
      {
        name: 'h0',
        nodes: { x: ['input', { size: 2 }], l: ['lastStep'], s: ['dense', { units: 3 }], rnn: ['gru', { units: 3 }], o: ['output'] },
        edges: ['x -> l', 'l -> s', 'x -> rnn', 's -> rnn.h0', 'rnn -> o'],
      },
      'rnn',
      /initial state 'h0'/,
    ],
  ];
  for (const [name, c, id, reason] of refused)
    it(name, () => {
      const result = expandNode(graph(c.nodes, c.edges), id);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, reason);
    });

});

describe('ids and layout', () => {
  it('new ids avoid ids already taken, and the cluster is centred on the block', () => {
    const doc = graph({ x: ['input', { size: 2 }], rnn: ['elman', { units: 2 }], rnn_h: ['dense', { units: 2 }], o: ['output'] }, ['x -> rnn', 'rnn -> rnn_h', 'rnn_h -> o']);
    const opened = expandNode(doc, 'rnn');
    assert.ok(opened.ok);
    assert.equal(new Set(opened.doc.nodes.map((n) => n.id)).size, opened.doc.nodes.length, 'ids are unique');
    assert.ok(opened.nodes.includes('rnn_h_2'));
    const edgeIds = opened.doc.edges.map((e) => e.id);
    assert.equal(new Set(edgeIds).size, edgeIds.length, 'edge ids are unique');
    const macro = doc.nodes.find((n) => n.id === 'rnn')!.position;
    const parts = opened.doc.nodes.filter((n) => opened.nodes.includes(n.id));
    const xs = parts.map((n) => n.position.x);
    const ys = parts.map((n) => n.position.y);
    assert.equal((Math.min(...xs) + Math.max(...xs)) / 2, macro.x);
    assert.equal((Math.min(...ys) + Math.max(...ys)) / 2, macro.y);
  });
});
