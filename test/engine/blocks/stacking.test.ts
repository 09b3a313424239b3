/**
 * Stacked layers: a block with `layers: L` is the same network as L one-layer blocks in a chain
 * (the lower ones returning sequences), given the same weights: layer k's `kernel_l<k>` is block
 * k's `kernel`. Outputs, final states, loss and every weight gradient come out bit for bit equal
 * on the float64 reference, for every stackable cell and for the bidirectional block (whose layer
 * k ≥ 1 reads both directions of layer k − 1, like a chain of bidirectional blocks that
 * concatenate). Also: the weight names and shapes per layer and direction, and that one-layer
 * names are what they always were.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runReference } from '../../../engine/executors/reference.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import type { Tensor64 } from '../../../engine/ir/tensor64.ts';
import { WeightName, checkWeightsAgainst, readModelText, weightsToMap, writeModel } from '../../../engine/model/file.ts';
import { initWeights } from '../../../engine/model/init.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { compile, graph, maxAbsDiff } from '../../helpers/graphs.ts';

const T = 5;
const B = 2;
const UNITS = 3;
const x = ['input', { size: 2 }] as const;
const mse = ['output', { loss: 'meanSquaredError' }] as const;

type Params = Record<string, unknown>;

interface StackCase {
  readonly name: string;
  readonly type: string;
  /** The params of the stacked block, given `layers`. */
  readonly stacked: (layers: number) => Params;
  /** The params of link k of the chain. */
  readonly link: (k: number, last: boolean) => Params;
  /** Its state outputs. */
  readonly states: readonly ('h' | 'c')[];
}

const plain = (type: string, more: Params = {}): StackCase => ({
  name: `${type} ${JSON.stringify(more)}`,
  type,
  stacked: (layers) => ({ units: UNITS, layers, ...more, returnSequences: true }),
  link: () => ({ units: UNITS, ...more, returnSequences: true }),
  states: type === 'lstm' || type === 'peepholeLstm' ? ['h', 'c'] : ['h'],
});

const CASES: readonly StackCase[] = [
  plain('elman'),
  plain('lstm'),
  plain('gru'),
  plain('gru', { resetAfter: false }),
  plain('peepholeLstm'),
  plain('ctrnn', { dt: 0.5, tauInit: 2 }),
  ...(['concat', 'sum'] as const).map((merge) => ({
    name: `bidirectional lstm, merge ${merge} on top`,
    type: 'bidirectional',
    stacked: (layers: number) => ({ cell: { type: 'lstm', units: UNITS, layers }, merge }),
    // Lower links concatenate both directions (what layer k ≥ 1 of a stack reads); the top one merges.
    link: (_k: number, last: boolean) => ({ cell: { type: 'lstm', units: UNITS }, merge: last ? merge : 'concat' }),
    states: ['h', 'c'] as const,
  })),
];

/** `kernel_l2` → link 2's `kernel`; `backward_bias_l1` → link 1's `backward_bias`. */
function linkWeight(name: string): [link: number, name: string] {
  const match = /^(.*?)(?:_l(\d+))?$/.exec(name)!;
  return [match[2] === undefined ? 0 : Number(match[2]), match[1]];
}

/** x → r (L layers) → output on port `port`; and x → r0 → … → r{L−1} → output (final states concatenated for `h`, `c`: L = 2 only). */
function pair(c: StackCase, layers: number, port: 'out' | 'h' | 'c', returnSequences = true): { stacked: GraphDocument; chained: GraphDocument } {
  const rs = { returnSequences };
  const stacked = graph({ x, r: [c.type, { ...c.stacked(layers), ...rs }], o: mse }, ['x -> r', `r.${port} -> o`]);
  const links = Object.fromEntries(
    Array.from({ length: layers }, (_, k) => [`r${k}`, [c.type, { ...c.link(k, k === layers - 1), ...(k === layers - 1 ? rs : {}) }] as const]),
  );
  const chain = Array.from({ length: layers - 1 }, (_, k) => `r${k} -> r${k + 1}`);
  if (port === 'out') return { stacked, chained: graph({ x, ...links, o: mse }, ['x -> r0', ...chain, `r${layers - 1} -> o`]) };
  assert.equal(layers, 2, 'final states of a chain are joined with one concat block');
  return { stacked, chained: graph({ x, ...links, j: ['concat'], o: mse }, ['x -> r0', ...chain, `r0.${port} -> j.a`, `r1.${port} -> j.b`, 'j -> o']) };
}

/** Random weights for the stacked graph, the same values under the chain's names, and shared x, y. */
function feeds(stacked: ReturnType<typeof compile>, seed: number): { ours: Record<string, Tensor64>; chain: Record<string, Tensor64> } {
  const rng = mulberry32(seed);
  const ours: Record<string, Tensor64> = {};
  const chain: Record<string, Tensor64> = {};
  for (const w of stacked.weights) {
    ours[w.param] = randomTensor(w.shape, rng, 0.5);
    const [link, name] = linkWeight(w.name);
    chain[`r${link}.${name}`] = ours[w.param];
  }
  for (const i of stacked.inputs) ours[i.name] = chain[i.name] = randomTensor(i.shape, rng, 1);
  return { ours, chain };
}

describe('a stacked block is the chain of its layers', () => {
  for (const [index, c] of CASES.entries()) {
    const checks: [layers: number, port: 'out' | 'h' | 'c', returnSequences: boolean][] = [
      [2, 'out', true],
      [3, 'out', false],
      ...c.states.map((s): [number, 'h' | 'c', boolean] => [2, s, true]),
    ];
    for (const [layers, port, returnSequences] of checks) {
      it(`${c.name}: ${layers} layers, port ${port}${port === 'out' ? `, returnSequences ${returnSequences}` : ''}: outputs, loss and gradients identical`, () => {
        const docs = pair(c, layers, port, returnSequences);
        const stacked = compile(docs.stacked, T, B);
        const chained = compile(docs.chained, T, B);
        assert.equal(stacked.weights.length, chained.weights.length, 'as many weights');
        const { ours, chain } = feeds(stacked, 10 + index);
        const a = runReference(stacked.train, ours);
        const b = runReference(chained.train, chain);
        assert.deepEqual(a['out:o'].shape, b['out:o'].shape);
        assert.equal(maxAbsDiff(a['out:o'].data, b['out:o'].data), 0, 'out:o');
        assert.equal(a.loss.data[0], b.loss.data[0], 'loss');
        for (const w of stacked.weights) {
          const [link, name] = linkWeight(w.name);
          assert.equal(maxAbsDiff(a[`grad:${w.param}`].data, b[`grad:r${link}.${name}`].data), 0, `grad:${w.param} = grad:r${link}.${name}`);
        }
      });
    }
  }

  it('layers: 1 is the block as it always was: the same names, shapes and IR', () => {
    const one = compile(graph({ x, r: ['lstm', { units: UNITS, layers: 1 }], o: mse }, ['x -> r', 'r -> o']), T, B);
    const unset = compile(graph({ x, r: ['lstm', { units: UNITS }], o: mse }, ['x -> r', 'r -> o']), T, B);
    assert.deepEqual(
      one.weights.map((w) => `${w.name} [${w.shape.join(', ')}]`),
      ['kernel [2, 12]', 'recurrentKernel [3, 12]', 'bias [12]'],
    );
    assert.deepEqual(one.train, unset.train);
  });
});

describe('weights of stacked and bidirectional blocks', () => {
  const doc = graph(
    {
      x,
      s: ['gru', { units: 4, layers: 3 }],
      b: ['bidirectional', { cell: { type: 'peepholeLstm', units: 3, layers: 2 }, merge: 'sum' }],
      o: mse,
    },
    ['x -> s', 's -> b', 'b -> o'],
  );
  const compiled = compile(doc, 3, 1);

  it('are named per layer (_l<k>) and direction (forward_, backward_), layer by layer, with layer k ≥ 1 reading what the layer below gives', () => {
    const of = (node: string) => compiled.weights.filter((w) => w.node === node).map((w) => `${w.name} [${w.shape.join(', ')}]`);
    assert.deepEqual(of('s'), [
      'kernel [2, 12]', 'recurrentKernel [4, 12]', 'bias [2, 12]',
      'kernel_l1 [4, 12]', 'recurrentKernel_l1 [4, 12]', 'bias_l1 [2, 12]',
      'kernel_l2 [4, 12]', 'recurrentKernel_l2 [4, 12]', 'bias_l2 [2, 12]',
    ]);
    const peep = (prefix: string, layer: number, rows: number) => {
      const l = layer === 0 ? '' : `_l${layer}`;
      return [`${prefix}kernel${l} [${rows}, 12]`, `${prefix}recurrentKernel${l} [3, 12]`, `${prefix}bias${l} [12]`, ...['Input', 'Forget', 'Output'].map((g) => `${prefix}peephole${g}${l} [3]`)];
    };
    assert.deepEqual(of('b'), [...peep('forward_', 0, 4), ...peep('backward_', 0, 4), ...peep('forward_', 1, 6), ...peep('backward_', 1, 6)]);
    for (const w of compiled.weights) assert.ok(WeightName.safeParse(w.name).success, `${w.name} is a valid model-file weight name`);
  });

  it('go through a model file and back, and fit the graph', () => {
    const weights = initWeights(compiled.weights, 7);
    const read = readModelText(writeModel({ graph: doc, weights, weightInfo: compiled.weights, encoding: 'base64' }));
    assert.ok(read.ok, read.ok ? '' : read.errors.map((e) => e.message).join('\n'));
    const map = weightsToMap(read.model);
    assert.deepEqual(checkWeightsAgainst(compiled.weights, map), []);
    for (const [param, values] of weights) assert.deepEqual(map.get(param), values, param);
  });

  it('each layer and direction starts from its own draw (no two kernels alike), forget gates at 1', () => {
    const weights = initWeights(compiled.weights, 7);
    const kernels = compiled.weights.filter((w) => /kernel/i.test(w.name)).map((w) => weights.get(w.param)!);
    for (let i = 0; i < kernels.length; i++) for (let j = i + 1; j < kernels.length; j++) if (kernels[i].length === kernels[j].length) assert.notDeepEqual(kernels[i], kernels[j]);
    const bias = weights.get('b.backward_bias_l1')!;
    assert.deepEqual([...bias.slice(3, 6)], [1, 1, 1], 'the forget gate block of every layer starts at 1');
  });
});
