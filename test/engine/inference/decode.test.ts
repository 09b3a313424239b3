/**
 * Greedy decoding of encoder–decoders.
 *
 * First on a model with hand-set weights whose output is known: attention that follows pointers.
 * The decoder's query is its previous token, the keys are the source tokens (scaled up, so the
 * softmax picks the matching step) and the values the source tokens one step later (a backward
 * delay), so each output is the source token that follows the previous one: from <s> the chain
 * runs through the source, ends at the end token, or, where the chain loops, goes on past the
 * source's length for as long as maxSteps allows.
 *
 * Then against an independent oracle with random weights: decoding one step at a time through the
 * encoder–decoder cut (compileEncoderDecoder) must give exactly the tokens that the ordinary
 * forward pass over T steps gives when it is fed its own argmax back, one rerun per step.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { chooseExecutor, ReferenceExecutor, type Executor } from '../../../engine/executors/index.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { greedyDecode } from '../../../engine/inference/decode.ts';
import { InputError } from '../../../engine/inference/predict.ts';
import { tensor } from '../../../engine/ir/tensor64.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { initWeights, type Weights } from '../../../engine/model/init.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { graph } from '../../helpers/graphs.ts';

const V = 8;
const START = 6;
const END = 7;

const pointers = graph(
  {
    src: ['input', { kind: 'tokens', size: V }],
    keys: ['embedding', { dim: V }],
    tokens: ['embedding', { dim: V }],
    next: ['delay', { direction: 'backward' }],
    prev: ['input', { stream: 'decoderInput', kind: 'tokens', size: V }],
    query: ['embedding', { dim: V }],
    att: ['attention'],
    o: ['output', { loss: 'softmaxCrossEntropy' }],
  },
  ['src -> keys', 'src -> tokens', 'tokens -> next', 'prev -> query', 'query -> att.query', 'keys -> att.keys', 'next -> att.values', 'att -> o'],
);
const identity = (scale: number) => Float32Array.from({ length: V * V }, (_, i) => (i % (V + 1) === 0 ? scale : 0));
const pointerWeights: Weights = new Map([
  ['keys.embeddings', identity(20)],
  ['tokens.embeddings', identity(1)],
  ['query.embeddings', identity(1)],
]);
/** Example 0 ends (… 2 → 7); in example 1 token 2 comes back at the last step, so the chain loops: 2 0 1 5 3 2 0 … */
const SOURCE = [
  [START, 3, 1, 4, 0, 2, END],
  [START, 2, 0, 1, 5, 3, 2],
];

const { executor: ort } = await chooseExecutor('auto');
after(() => ort.dispose());
const executors: [string, Executor][] = [
  ['reference', new ReferenceExecutor()],
  ['onnxruntime', ort],
];

describe('greedy decoding with hand-set weights (attention that follows pointers)', () => {
  for (const [name, executor] of executors)
    it(`follows the chain to the end token, or past the source's length (${name})`, async () => {
      const d = await greedyDecode(pointers, pointerWeights, SOURCE, { maxSteps: 12, startToken: START, endToken: END }, executor);
      assert.deepEqual(d.tokens, [
        [3, 1, 4, 0, 2],
        [2, 0, 1, 5, 3, 2, 0, 1, 5, 3, 2, 0],
      ]);
      assert.deepEqual(d.ended, [true, false]);
      const [first, second] = d.attention.att;
      assert.equal(first.length, 6, 'one row per step run, the end token’s included');
      first.forEach((row, t) => {
        assert.equal(row.length, SOURCE[0].length);
        assert.ok(row[t] > 1 - 1e-6, `step ${t} looks at source step ${t}: ${row.join(', ')}`);
      });
      assert.equal(second.length, 12);
      // After token 2, which is at source steps 1 and 6, the weight is split between the two.
      for (const [s, w] of second[1].entries()) assert.ok(Math.abs(w - (s === 1 || s === 6 ? 0.5 : 0)) < 1e-6, `${second[1].join(', ')}`);
    });

  it('stops at maxSteps, and without an end token runs every step', async () => {
    const short = await greedyDecode(pointers, pointerWeights, SOURCE, { maxSteps: 3, startToken: START, endToken: END });
    assert.deepEqual(short.tokens, [
      [3, 1, 4],
      [2, 0, 1],
    ]);
    assert.deepEqual(short.ended, [false, false]);
    const all = await greedyDecode(pointers, pointerWeights, SOURCE.slice(0, 1), { maxSteps: 6, startToken: START });
    assert.deepEqual(all.tokens, [[3, 1, 4, 0, 2, END]]);
  });
});

/**
 * The oracle: the graph compiled over T steps as it trains, its decoderInput filled with the start
 * token and the tokens chosen so far, rerun once per step; step t's argmax is the next token.
 */
async function rerunOracle(doc: GraphDocument, weights: Weights, source: number[][], start: number): Promise<number[][]> {
  const [B, T] = [source.length, source[0].length];
  const c = compileGraph(doc, { steps: T, batch: B });
  const feeds: Record<string, ReturnType<typeof tensor>> = { x: tensor([T, B], Array.from({ length: T * B }, (_, i) => source[i % B][Math.floor(i / B)])) };
  for (const w of c.weights) feeds[w.param] = tensor(w.shape, weights.get(w.param)!);
  const chosen = source.map((): number[] => []);
  for (let t = 0; t < T; t++) {
    feeds.decoderInput = tensor([T, B], Array.from({ length: T * B }, (_, i) => {
      const [s, b] = [Math.floor(i / B), i % B];
      return s === 0 ? start : s <= t ? chosen[b][s - 1] : 0;
    }));
    const out = runReference(c.forward, feeds, ['out:o'])['out:o'];
    const classes = out.shape[2];
    for (let b = 0; b < B; b++) {
      const row = [...out.data.subarray((t * B + b) * classes, (t * B + b + 1) * classes)];
      chosen[b].push(row.indexOf(Math.max(...row)));
    }
  }
  return chosen;
}

/** The three wirings of an encoder–decoder (GRU encoder, GRU decoder started at its final state), over 6 tokens. */
function encoderDecoder(head: 'plain' | 'attention' | 'input feeding'): GraphDocument {
  const nodes = {
    src: ['input', { kind: 'tokens', size: 6 }],
    se: ['embedding', { dim: 4 }],
    enc: ['gru', { units: 8 }],
    prev: ['input', { stream: 'decoderInput', kind: 'tokens', size: 6 }],
    pe: ['embedding', { dim: 4 }],
    dec: ['gru', { units: 8 }],
    d: ['dense', { units: 6 }],
    o: ['output', { loss: 'softmaxCrossEntropy' }],
  } as const;
  const common = ['src -> se', 'se -> enc', 'prev -> pe', 'enc.h -> dec.h0', 'd -> o'];
  switch (head) {
    case 'plain':
      return graph(nodes, [...common, 'pe -> dec', 'dec -> d']);
    case 'attention':
      return graph({ ...nodes, att: ['attention', { score: 'dot', scale: true }], j: ['concat'] }, [...common, 'pe -> dec', 'dec -> att.query', 'enc -> att.values', 'dec -> j.a', 'att -> j.b', 'j -> d']);
    case 'input feeding':
      // The context of step t comes from the decoder's state at t − 1 and is part of its input at t.
      return graph(
        { ...nodes, back: ['delay', { size: 8 }], att: ['attention', { score: 'additive', units: 5 }], j: ['concat'] },
        [...common, 'dec -> back', 'back -> att.query', 'enc -> att.values', 'pe -> j.a', 'att -> j.b', 'j -> dec', 'dec -> d'],
      );
  }
}

describe('greedy decoding against rerunning the whole forward pass', () => {
  for (const [k, head] of (['plain', 'attention', 'input feeding'] as const).entries()) {
    it(`${head} encoder–decoder, random weights`, async () => {
      const doc = encoderDecoder(head);
      const T = 6;
      // Uniform in ±1.5, larger than initial weights, so that the argmax changes from step to step
      // and from example to example.
      const rng = mulberry32(40 + k);
      const weights: Weights = new Map(compileGraph(doc, { steps: T, batch: 1 }).weights.map((w) => [w.param, Float32Array.from(randomTensor(w.shape, rng, 1.5).data)]));
      const source = Array.from({ length: 5 }, (_, b) => Array.from({ length: T }, (_, t) => (b * 7 + t * 3 + k) % 6));
      const want = await rerunOracle(doc, weights, source, 0);
      const got = await greedyDecode(doc, weights, source, { maxSteps: T, startToken: 0 });
      assert.deepEqual(got.tokens, want);
      const changes = want.some((r) => r.some((token) => token !== r[0]));
      assert.ok(changes && new Set(want.map((r) => r.join())).size > 2, `the tokens vary from step to step and from example to example: ${JSON.stringify(want)}`);
    });
  }
});

describe('what greedy decoding refuses', () => {
  const fails = async (doc: GraphDocument, o: Partial<Parameters<typeof greedyDecode>[3]>, message: RegExp, source: unknown[] = SOURCE) =>
    assert.rejects(greedyDecode(doc, pointerWeights, source, { maxSteps: 4, startToken: START, ...o }), (e: unknown) => e instanceof InputError && message.test(e.message));
  const withNode = (id: string, params: Record<string, unknown>): GraphDocument => ({ ...pointers, nodes: pointers.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...params } } : n)) });

  it('bad options and bad source data', async () => {
    await fails(pointers, { maxSteps: 0 }, /maxSteps must be an integer from 1/);
    await fails(pointers, { startToken: 8 }, /startToken must be a token id in \[0, 8\)/);
    await fails(pointers, { endToken: -1 }, /endToken must be a token id/);
    await fails(pointers, {}, /input 'src' example 1 step 2: expected a token id in \[0, 8\), got 9/, [SOURCE[0], [START, 1, 9, 0, 0, 0, 0]]);
  });

  it('a graph without a decoder, or whose decoder does not read tokens', async () => {
    await fails(withNode('prev', { stream: 'x' }), {}, /needs a decoder: an input block reading the stream 'decoderInput'/);
    await fails(withNode('prev', { kind: 'dense' }), {}, /must read tokens/);
  });

  it('an output that is not a softmax', async () => {
    await fails(withNode('o', { loss: 'meanSquaredError' }), {}, /output block 'o' needs the loss softmaxCrossEntropy/);
  });

  it('a prediction that needs the whole decoded sequence (its last step)', async () => {
    const last = graph(
      { src: ['input', { kind: 'tokens', size: V }], se: ['embedding', { dim: 2 }], enc: ['gru', { units: 2 }], prev: ['input', { stream: 'decoderInput', kind: 'tokens', size: V }], pe: ['embedding', { dim: 2 }], dec: ['gru', { units: 2 }], l: ['lastStep'], d: ['dense', { units: V }], o: ['output', { loss: 'softmaxCrossEntropy' }] },
      ['src -> se', 'se -> enc', 'enc.h -> dec.h0', 'prev -> pe', 'pe -> dec', 'dec -> l', 'l -> d', 'd -> o'],
    );
    const weights = initWeights(compileGraph(last, { steps: 2, batch: 1 }).weights, 1);
    await assert.rejects(
      greedyDecode(last, weights, SOURCE, { maxSteps: 3, startToken: START }),
      (e: unknown) => e instanceof InputError && /'l' needs the decoder's whole output sequence/.test(e.message),
    );
  });

  it('a decoder that reads the encoder at every step (aligned, not an encoder–decoder)', async () => {
    const aligned = graph(
      { src: ['input', { kind: 'tokens', size: V }], se: ['embedding', { dim: 2 }], prev: ['input', { stream: 'decoderInput', kind: 'tokens', size: V }], pe: ['embedding', { dim: 2 }], j: ['add'], d: ['dense', { units: V }], o: ['output', { loss: 'softmaxCrossEntropy' }] },
      ['src -> se', 'prev -> pe', 'se -> j.a', 'pe -> j.b', 'j -> d', 'd -> o'],
    );
    const weights = initWeights(compileGraph(aligned, { steps: 2, batch: 1 }).weights, 1);
    await assert.rejects(
      greedyDecode(aligned, weights, SOURCE, { maxSteps: 3, startToken: START }),
      (e: unknown) => e instanceof InputError && /the decoder reads 'se' at every step/.test(e.message),
    );
  });
});
