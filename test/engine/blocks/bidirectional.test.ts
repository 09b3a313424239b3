/**
 * The bidirectional block against what it promises, for every cell kind:
 *
 * - its forward direction is the plain block on x, its backward direction is the plain block run
 *   on x reversed in time and reversed back (so ←h_t has read x_{T−1} … x_t), bit for bit;
 * - returnSequences false gives →h_{T−1} and ←h_0; each merge mode combines the two as it says;
 * - a later input changes the backward output at every earlier step and no forward output before
 *   it (a tag may depend on the words after it), and the unrolled IR says so: every node of the
 *   backward direction labelled t reads x_t … x_{T−1} only;
 * - a cell hand-wired with a backward delay (z⁺¹) computes exactly the backward direction;
 * - a graph with a backward recurrence cannot be compiled to run one step at a time.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompileError } from '../../../engine/graph/diagnostics.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import type { IrGraph } from '../../../engine/ir/types.ts';
import { handWiredElman } from '../../helpers/block-cases.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { compile, graph, maxAbsDiff, step } from '../../helpers/graphs.ts';

const T = 5;
const B = 2;
const F = 3;
const H = 4;
const x = ['input', { size: F }] as const;
const mse = ['output', { loss: 'meanSquaredError' }] as const;

const CELLS: readonly Record<string, unknown>[] = [
  { type: 'elman' },
  { type: 'lstm' },
  { type: 'gru' },
  { type: 'gru', resetAfter: false },
  { type: 'peepholeLstm' },
  { type: 'ctrnn', dt: 0.5, tauInit: 3 },
];

const bidirectional = (cell: Record<string, unknown>, more: Record<string, unknown> = {}) => ['bidirectional', { cell: { units: H, ...cell }, ...more }] as const;

/** x → b → output, on port `port` of the bidirectional block b. */
const around = (cell: Record<string, unknown>, port: string, more: Record<string, unknown> = {}): GraphDocument =>
  graph({ x, b: bidirectional(cell, { merge: 'none', ...more }), o: mse }, ['x -> b', `b.${port} -> o`]);

/** x → r → output with the plain block of `cell`. */
const plainOf = (cell: Record<string, unknown>): GraphDocument => {
  const { type, ...params } = cell;
  return graph({ x, r: [String(type), { units: H, ...params }], o: mse }, ['x -> r', 'r -> o']);
};

/** A time-major [T, ...] tensor with its steps in reverse order. */
function reversed(t: Tensor64): Tensor64 {
  const size = t.data.length / t.shape[0];
  const out = tensor(t.shape);
  for (let s = 0; s < t.shape[0]; s++) out.data.set(step(t, s), (t.shape[0] - 1 - s) * size);
  return out;
}

/** Random weights for `compiled` (and x, y), seeded. */
function feedsOf(weights: readonly { param: string; shape: readonly number[] }[], seed: number, ySize: number, ySequence = true): Record<string, Tensor64> {
  const rng = mulberry32(seed);
  const feeds: Record<string, Tensor64> = {};
  for (const w of weights) feeds[w.param] = randomTensor(w.shape, rng, 0.5);
  feeds.x = randomTensor([T, B, F], rng, 1);
  feeds.y = randomTensor(ySequence ? [T, B, ySize] : [B, ySize], rng, 1);
  return feeds;
}

/** The forward or backward weights of b under the plain block's names (r.kernel …). */
const direction = (feeds: Record<string, Tensor64>, prefix: 'forward_' | 'backward_') =>
  Object.fromEntries(Object.entries(feeds).flatMap(([k, v]) => (k.startsWith(`b.${prefix}`) ? [[`r.${k.slice(`b.${prefix}`.length)}`, v]] : [])));

const out = (g: IrGraph, feeds: Record<string, Tensor64>) => runReference(g, feeds, ['out:o'])['out:o'];

describe('bidirectional: each direction is its plain block, the backward one on the reversed sequence', () => {
  for (const [i, cell] of CELLS.entries()) {
    it(`${JSON.stringify(cell)}: forward = the block on x; backward = the block on x reversed, reversed back`, () => {
      const fwd = compile(around(cell, 'forward'), T, B);
      const feeds = feedsOf(fwd.weights, 40 + i, H);
      const plain = compile(plainOf(cell), T, B);
      const forward = out(fwd.forward, feeds);
      assert.equal(maxAbsDiff(forward.data, out(plain.forward, { ...direction(feeds, 'forward_'), x: feeds.x, y: feeds.y }).data), 0, 'forward');
      const backward = out(compile(around(cell, 'backward'), T, B).forward, feeds);
      const onReversed = out(plain.forward, { ...direction(feeds, 'backward_'), x: reversed(feeds.x), y: feeds.y });
      assert.equal(maxAbsDiff(backward.data, reversed(onReversed).data), 0, 'backward');
      assert.ok(maxAbsDiff(forward.data, backward.data) > 1e-3, 'the two directions differ');
    });
  }
});

describe('bidirectional outputs', () => {
  const cell = { type: 'lstm' };
  const weights = compile(around(cell, 'forward'), T, B).weights;
  const feeds = feedsOf(weights, 5, H);
  const vectorFeeds = (size: number) => ({ ...feeds, y: tensor([B, size]) });
  const sequences = { forward: out(compile(around(cell, 'forward'), T, B).forward, feeds), backward: out(compile(around(cell, 'backward'), T, B).forward, feeds) };

  it('returnSequences false: the forward state after the last step and the backward state after the first', () => {
    for (const port of ['forward', 'backward'] as const) {
      const last = out(compile(around(cell, port, { returnSequences: false }), T, B).forward, vectorFeeds(H));
      assert.deepEqual(last.shape, [B, H]);
      assert.deepEqual(last.data, step(sequences[port], port === 'forward' ? T - 1 : 0), port);
    }
    const merged = out(compile(graph({ x, b: bidirectional(cell, { returnSequences: false }), o: mse }, ['x -> b', 'b -> o']), T, B).forward, vectorFeeds(2 * H));
    for (let n = 0; n < B; n++) {
      const row = Array.from(merged.data.subarray(n * 2 * H, (n + 1) * 2 * H));
      const fwd = Array.from(step(sequences.forward, T - 1).subarray(n * H, (n + 1) * H));
      const bwd = Array.from(step(sequences.backward, 0).subarray(n * H, (n + 1) * H));
      assert.deepEqual(row, [...fwd, ...bwd], `example ${n}: concat of the final states, as Keras does`);
    }
  });

  const MERGES: Readonly<Record<string, { size: number; at: (f: Float64Array, b: Float64Array, n: number, j: number) => number }>> = {
    concat: { size: 2 * H, at: (f, b, n, j) => (j < H ? f[n * H + j] : b[n * H + j - H]) },
    sum: { size: H, at: (f, b, n, j) => f[n * H + j] + b[n * H + j] },
    average: { size: H, at: (f, b, n, j) => (f[n * H + j] + b[n * H + j]) * 0.5 },
    multiply: { size: H, at: (f, b, n, j) => f[n * H + j] * b[n * H + j] },
  };
  for (const [merge, m] of Object.entries(MERGES)) {
    it(`merge ${merge}: out at every step from forward and backward`, () => {
      const merged = out(compile(graph({ x, b: bidirectional(cell, { merge }), o: mse }, ['x -> b', 'b -> o']), T, B).forward, { ...feeds, y: tensor([T, B, m.size]) });
      assert.deepEqual(merged.shape, [T, B, m.size]);
      for (let t = 0; t < T; t++) {
        const [f, b] = [step(sequences.forward, t), step(sequences.backward, t)];
        const expected = Array.from({ length: B * m.size }, (_, k) => m.at(f, b, Math.floor(k / m.size), k % m.size));
        assert.ok(maxAbsDiff(step(merged, t), expected) === 0, `t=${t}`);
      }
    });
  }

  it('a later input changes the backward output at every earlier step, and no forward output before it', () => {
    const changed = { ...feeds, x: tensor(feeds.x.shape, feeds.x.data) };
    const s = T - 2;
    for (let k = 0; k < B * F; k++) changed.x.data[s * B * F + k] += 0.5;
    const after = {
      forward: out(compile(around(cell, 'forward'), T, B).forward, changed),
      backward: out(compile(around(cell, 'backward'), T, B).forward, changed),
    };
    for (let t = 0; t < T; t++) {
      const df = maxAbsDiff(step(after.forward, t), step(sequences.forward, t));
      const db = maxAbsDiff(step(after.backward, t), step(sequences.backward, t));
      if (t < s) assert.equal(df, 0, `forward at t=${t} has not read x_${s} yet`);
      else assert.ok(df > 1e-6, `forward at t=${t} has read x_${s}`);
      if (t <= s) assert.ok(db > 1e-6, `backward at t=${t} has read x_${s}`);
      else assert.equal(db, 0, `backward at t=${t} reads only later steps`);
    }
  });
});

/** For each IR node, the steps t of input `name` (read by 'index' nodes) it depends on, as a bitmask. */
function stepsRead(g: IrGraph, name: string): number[] {
  const masks: number[] = [];
  for (const n of g.nodes) {
    const source = g.nodes[n.inputs[0]];
    const own = n.op.type === 'index' && source?.op.type === 'input' && source.op.name === name ? 1 << n.op.index : 0;
    masks.push(n.inputs.reduce((m, i) => m | masks[i], own));
  }
  return masks;
}

describe('the unrolled backward direction', () => {
  it('labels each node with the step it computes: the backward state at t reads x_t … x_{T−1}', () => {
    const c = compile(around({ type: 'gru' }, 'backward'), T, B);
    const reads = stepsRead(c.forward, 'x');
    const nodes = c.forward.nodes.filter((n) => n.origin.block === 'b' && n.origin.t !== null);
    assert.deepEqual([...new Set(nodes.map((n) => n.origin.t))].sort(), [0, 1, 2, 3, 4]);
    for (const n of nodes) {
      const t = n.origin.t!;
      const mask = reads[n.id];
      if (mask === 0) continue; // weights and constants only
      const earliest = 31 - Math.clz32(mask & -mask);
      // Step t computes from x_t and from the state of step t + 1 (which has read x_{t+1} … x_{T−1}).
      assert.ok(earliest === t || earliest === t + 1, `node ${n.id} (${n.op.type}) at t=${t} reads x from step ${earliest}`);
    }
    const output = c.forward.nodes[c.forward.outputs['out:o']];
    assert.equal(output.op.type, 'stack');
    output.inputs.forEach((id, t) => {
      const all = (1 << T) - 1;
      assert.equal(reads[id], all & ~((1 << t) - 1), `the output at t=${t} has read exactly x_${t} … x_${T - 1}`);
    });
  });

  it('a cell hand-wired with a backward delay computes the backward direction of a bidirectional Elman', () => {
    const hand = compile(handWiredElman(H, 'meanSquaredError', 'backward'), T, B);
    const bi = compile(around({ type: 'elman' }, 'backward'), T, B);
    const feeds = feedsOf(bi.weights, 9, H);
    const handFeeds = {
      x: feeds.x,
      y: feeds.y,
      'lx.kernel': feeds['b.backward_kernel'],
      'lx.bias': feeds['b.backward_bias'],
      'lh.kernel': feeds['b.backward_recurrentKernel'],
    };
    const a = runReference(hand.train, handFeeds);
    const b = runReference(bi.train, feeds);
    assert.ok(maxAbsDiff(a['out:o'].data, b['out:o'].data) < 1e-12, 'outputs');
    assert.ok(Math.abs(a.loss.data[0] - b.loss.data[0]) < 1e-12, 'loss');
    for (const [ours, theirs] of [['lx.kernel', 'b.backward_kernel'], ['lx.bias', 'b.backward_bias'], ['lh.kernel', 'b.backward_recurrentKernel']])
      assert.ok(maxAbsDiff(a[`grad:${ours}`].data, b[`grad:${theirs}`].data) < 1e-12, `grad:${ours}`);
  });

  it('a backward recurrence cannot run one step at a time (stateful compile, as sampling uses)', () => {
    for (const [doc, node] of [
      [around({ type: 'lstm' }, 'forward'), 'b'],
      [handWiredElman(H, 'meanSquaredError', 'backward'), 'd'],
    ] as const)
      assert.throws(
        () => compile(doc, 1, 1, true),
        (e: unknown) =>
          e instanceof CompileError && e.diagnostics.length === 1 && e.diagnostics[0].code === 'time-direction' && e.diagnostics[0].nodeId === node && /backward in time.*one step at a time/.test(e.diagnostics[0].message),
      );
    assert.doesNotThrow(() => compile(plainOf({ type: 'lstm' }), 1, 1, true), 'a forward block still can');
  });
});
