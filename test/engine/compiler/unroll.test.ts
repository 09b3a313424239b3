/**
 * Unrolling over time: IR nodes remember the block and step they came from, a stateful compile
 * carries delays across calls exactly like one longer unroll, and delays and lastStep move values
 * between steps as their definitions say.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CellBuilder, CellError } from '../../../engine/cell/cell.ts';
import { unrollCell } from '../../../engine/compiler/unroll.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { IrBuilder } from '../../../engine/ir/builder.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import type { IrGraph } from '../../../engine/ir/types.ts';
import { handWiredElman } from '../../helpers/block-cases.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { compile, graph, maxAbsDiff, step } from '../../helpers/graphs.ts';

const FEATURES = 3;
const UNITS = 4;
const BATCH = 2;
const x = ['input', { size: FEATURES }] as const;
const mse = ['output', { loss: 'meanSquaredError' }] as const;
const lstmGraph = graph({ x, r: ['lstm', { units: UNITS }], o: mse }, ['x -> r', 'r -> o']);

/** Random x [T, B, F] and y [T, B, size] plus random weights for `weights`. */
function feeds(weights: readonly { param: string; shape: readonly number[] }[], steps: number, ySize: number, seed = 5): Record<string, Tensor64> {
  const rng = mulberry32(seed);
  const out: Record<string, Tensor64> = {};
  for (const w of weights) out[w.param] = randomTensor(w.shape, rng, 0.5);
  out.x = randomTensor([steps, BATCH, FEATURES], rng);
  out.y = randomTensor([steps, BATCH, ySize], rng);
  return out;
}

/** Rows [from, to) of a time-major tensor. */
const steps = (t: Tensor64, from: number, to: number): Tensor64 => {
  const size = t.data.length / t.shape[0];
  return tensor([to - from, ...t.shape.slice(1)], t.data.subarray(from * size, to * size));
};

/** For each node, the set of steps t of input `name` (read by 'index' nodes) it depends on, as a bitmask. */
function stepsRead(g: IrGraph, name: string): number[] {
  const masks: number[] = [];
  for (const n of g.nodes) {
    const source = g.nodes[n.inputs[0]];
    const own = n.op.type === 'index' && source?.op.type === 'input' && source.op.name === name ? 1 << n.op.index : 0;
    masks.push(n.inputs.reduce((m, i) => m | masks[i], own));
  }
  return masks;
}

describe('unrolling over time', () => {
  it('labels every forward node of an LSTM with the step it computes, and gradient nodes as backward', () => {
    const T = 4;
    const c = compile(lstmGraph, T, BATCH);
    const reads = stepsRead(c.forward, 'x');
    const lstmNodes = c.forward.nodes.filter((n) => n.origin.block === 'r');
    assert.deepEqual([...new Set(lstmNodes.map((n) => n.origin.t))].sort(), [0, 1, 2, 3, null]);
    for (const n of lstmNodes) {
      assert.equal(n.phase, 'forward');
      const t = n.origin.t;
      if (t === null) {
        assert.equal(n.op.type, 'param', `node ${n.id} (${n.op.type}) outside time`);
        continue;
      }
      // Step t computes from x_t and from the state of step t − 1 (h_{t−1}·U reads up to x_{t−1} only;
      // at t = 0 the zero state reads nothing): the latest x a node reads is x_t or x_{t−1}.
      const latest = 31 - Math.clz32(reads[n.id]);
      assert.ok(latest === t || latest === t - 1, `node ${n.id} (${n.op.type}) at t=${t} reads x up to step ${latest}`);
    }
    const perStep = [0, 1, 2, 3].map((t) => lstmNodes.filter((n) => n.origin.t === t).length);
    assert.ok(perStep.slice(2).every((k) => k === perStep[1]), `nodes per step: ${perStep}`);

    assert.equal(c.train.nodes.filter((n) => n.phase === 'forward').length, c.forward.nodes.length);
    const backward = c.train.nodes.filter((n) => n.phase === 'backward');
    for (let t = 0; t < T; t++) assert.ok(backward.some((n) => n.origin.block === 'r' && n.origin.t === t), `backward nodes of 'r' at t=${t}`);
    for (const [name, id] of Object.entries(c.train.outputs))
      if (name.startsWith('grad:')) assert.equal(c.train.nodes[id].phase, 'backward', name);
    for (const n of c.train.nodes) if (n.phase === 'backward') assert.ok(n.inputs.every((i) => i < n.id));
  });

  it('a stateful T = 1 compile reads state:<delay> and reports final:<delay>, and two steps fed back equal one T = 2 run', () => {
    const one = compile(lstmGraph, 1, BATCH, true);
    assert.deepEqual(one.states.map((s) => s.name).sort(), ['r.c', 'r.h']);
    for (const s of one.states) {
      assert.deepEqual(s.shape, [BATCH, UNITS]);
      assert.ok(one.inputs.some((i) => i.name === `state:${s.name}` && i.shape.join() === `${BATCH},${UNITS}`), `input state:${s.name}`);
      assert.ok(`final:${s.name}` in one.forward.outputs, `output final:${s.name}`);
    }

    const two = compile(lstmGraph, 2, BATCH);
    assert.equal(two.inputs.filter((i) => i.name.startsWith('state:')).length, 0);
    const all = feeds(two.weights, 2, UNITS);
    const whole = runReference(two.forward, all);

    let state: Record<string, Tensor64> = Object.fromEntries(one.states.map((s) => [`state:${s.name}`, tensor(s.shape)]));
    const losses: number[] = [];
    for (let t = 0; t < 2; t++) {
      const got = runReference(one.forward, { ...all, ...state, x: steps(all.x, t, t + 1), y: steps(all.y, t, t + 1) });
      assert.ok(maxAbsDiff(got['out:o'].data, step(whole['out:o'], t)) < 1e-15, `h at t=${t}`);
      losses.push(got.loss.data[0]);
      state = Object.fromEntries(one.states.map((s) => [`state:${s.name}`, got[`final:${s.name}`]]));
    }
    assert.ok(Math.abs((losses[0] + losses[1]) / 2 - whole.loss.data[0]) < 1e-15, 'the T = 2 loss is the mean of the step losses');
  });

  it("a hand-wired cell's state is named after its delay block", () => {
    assert.deepEqual(
      compile(handWiredElman(UNITS), 1, BATCH, true).states.map((s) => s.name),
      ['d.out'],
    );
  });

  it('a delay on an input sequence gives x at t − 1, and zeros at t = 0', () => {
    const T = 4;
    const c = compile(graph({ x, d: ['delay'], o: mse }, ['x -> d', 'd -> o']), T, BATCH);
    const f = feeds([], T, FEATURES);
    const out = runReference(c.forward, f)['out:o'];
    assert.deepEqual(out.shape, [T, BATCH, FEATURES]);
    assert.deepEqual([...step(out, 0)], new Array(BATCH * FEATURES).fill(0));
    for (let t = 1; t < T; t++) assert.deepEqual(step(out, t), step(f.x, t - 1), `t=${t}`);
  });

  it('two delays in a row give x at t − 2', () => {
    const T = 5;
    const c = compile(graph({ x, d1: ['delay'], d2: ['delay'], o: mse }, ['x -> d1', 'd1 -> d2', 'd2 -> o']), T, BATCH);
    const f = feeds([], T, FEATURES);
    const out = runReference(c.forward, f)['out:o'];
    for (let t = 0; t < T; t++) assert.deepEqual([...step(out, t)], t < 2 ? new Array(BATCH * FEATURES).fill(0) : [...step(f.x, t - 2)], `t=${t}`);
  });

  it('a backward delay on an input sequence gives x at t + 1, and zeros at t = T − 1', () => {
    const T = 4;
    const c = compile(graph({ x, d: ['delay', { direction: 'backward' }], o: mse }, ['x -> d', 'd -> o']), T, BATCH);
    const f = feeds([], T, FEATURES);
    const out = runReference(c.forward, f)['out:o'];
    for (let t = 0; t < T - 1; t++) assert.deepEqual(step(out, t), step(f.x, t + 1), `t=${t}`);
    assert.deepEqual([...step(out, T - 1)], new Array(BATCH * FEATURES).fill(0));
  });

  it('a forward and a backward delay in a row give x back, except at the last step', () => {
    const T = 5;
    const c = compile(graph({ x, d1: ['delay'], d2: ['delay', { direction: 'backward' }], o: mse }, ['x -> d1', 'd1 -> d2', 'd2 -> o']), T, BATCH);
    const f = feeds([], T, FEATURES);
    const out = runReference(c.forward, f)['out:o'];
    for (let t = 0; t < T; t++) assert.deepEqual([...step(out, t)], t === T - 1 ? new Array(BATCH * FEATURES).fill(0) : [...step(f.x, t)], `t=${t}`);
  });

  it('a loop through a backward delay is unrolled from t = T − 1 down to 0, each node labelled with its own step', () => {
    const T = 4;
    const c = compile(handWiredElman(UNITS, 'meanSquaredError', 'backward'), T, BATCH);
    const reads = stepsRead(c.forward, 'x');
    const tanh = c.forward.nodes.filter((n) => n.origin.block === 'h' && n.op.type === 'tanh');
    assert.deepEqual(tanh.map((n) => n.origin.t), [3, 2, 1, 0], 'emitted last step first');
    for (const n of tanh) assert.equal(reads[n.id], (1 << T) - (1 << n.origin.t!), `h at t=${n.origin.t} has read x_t … x_{T−1}`);
  });

  it('refuses to unroll a loop whose delays run both ways (the validator reports such graphs first)', () => {
    const cell = new CellBuilder(BATCH);
    const shape = [BATCH, UNITS];
    const [past, future] = cell.forBlock('loop', () => [cell.delay('past', shape), cell.delay('future', shape, null, 'backward')]);
    const sum = cell.forBlock('loop', () => cell.op({ type: 'add' }, [past, future]));
    cell.connectDelay(past, sum);
    cell.connectDelay(future, sum);
    assert.throws(
      () => unrollCell(cell.finish(), new IrBuilder(), { steps: 3 }),
      (e: unknown) => e instanceof CellError && e.code === 'time-direction' && e.block === 'loop' && /'future', which runs backward.*'past', which runs forward/.test(e.message),
    );
  });

  it('lastStep returns the last step', () => {
    const T = 5;
    const c = compile(graph({ x, l: ['lastStep'], o: mse }, ['x -> l', 'l -> o']), T, BATCH);
    const f = { x: randomTensor([T, BATCH, FEATURES], mulberry32(9)), y: tensor([BATCH, FEATURES]) };
    const out = runReference(c.forward, f)['out:o'];
    assert.deepEqual(out.shape, [BATCH, FEATURES]);
    assert.deepEqual(out.data, step(f.x, T - 1));
  });

  it('returnSequences: false is the last step of returnSequences: true', () => {
    const T = 4;
    const rnn = (returnSequences: boolean) => compile(graph({ x, r: ['gru', { units: UNITS, returnSequences }], o: mse }, ['x -> r', 'r -> o']), T, BATCH);
    const [sequence, last] = [rnn(true), rnn(false)];
    const f = feeds(sequence.weights, T, UNITS);
    const all = runReference(sequence.forward, f)['out:o'];
    const final = runReference(last.forward, { ...f, y: tensor([BATCH, UNITS]) })['out:o'];
    assert.deepEqual(final.data, step(all, T - 1));
  });
});
