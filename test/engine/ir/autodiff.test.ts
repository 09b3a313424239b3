/**
 * Reverse-mode differentiation as a whole: contributions of a reused param are summed (BPTT),
 * unreachable params get an exact zero, and the backward nodes are attributed to the forward
 * nodes they differentiate.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IrBuilder } from '../../../engine/ir/builder.ts';
import { differentiate } from '../../../engine/ir/autodiff.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { verifyIr } from '../../../engine/ir/verify.ts';
import type { IrGraph, NodeId, Origin } from '../../../engine/ir/types.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { gradCheck, mulberry32, randomTensor } from '../../helpers/gradcheck.ts';

const T = 4;
const B = 2;
const F = 3;
const H = 5;

/**
 * A vanilla RNN unrolled over T steps, one block 'rnn' per step and a block 'head' for the loss:
 *   h_t = tanh(x_t·W + h_{t−1}·U + b),  loss = Σ_t Σ h_t ⊙ V_t
 * so W, U and b are each used T times. x: [T, B, F], W: [F, H], U: [H, H], b: [H], V: [T, B, H].
 */
function unrolledRnn(): { b: IrBuilder; loss: NodeId; params: Record<string, NodeId>; feeds: Record<string, Tensor64> } {
  const rng = mulberry32(42);
  const b = new IrBuilder();
  const x = b.input('x', [T, B, F]);
  const v = b.input('V', [T, B, H]);
  const params = { W: b.param('W', [F, H]), U: b.param('U', [H, H]), b: b.param('b', [H]) };
  let h = b.emit({ type: 'zeros', shape: [B, H] }, []);
  const hs: NodeId[] = [];
  for (let t = 0; t < T; t++) {
    h = b.at({ block: 'rnn', t }, () => {
      const xt = b.emit({ type: 'index', index: t }, [x]);
      const z = b.emit({ type: 'addN' }, [
        b.emit({ type: 'matmul', transA: false, transB: false }, [xt, params.W]),
        b.emit({ type: 'matmul', transA: false, transB: false }, [h, params.U]),
        b.emit({ type: 'expand', shape: [B, H] }, [params.b]),
      ]);
      return b.emit({ type: 'tanh' }, [z]);
    });
    hs.push(h);
  }
  const loss = b.at({ block: 'head', t: null }, () =>
    b.emit({ type: 'reduceSum', axes: [0, 1, 2], keepDims: false }, [b.emit({ type: 'mul' }, [b.emit({ type: 'stack' }, hs), v])]),
  );
  const feeds = {
    x: randomTensor([T, B, F], rng),
    V: randomTensor([T, B, H], rng),
    W: randomTensor([F, H], rng, 0.5),
    U: randomTensor([H, H], rng, 0.5),
    b: randomTensor([H], rng, 0.5),
  };
  return { b, loss, params, feeds };
}

function withGradients(b: IrBuilder, loss: NodeId, params: Record<string, NodeId>): IrGraph {
  const names = Object.keys(params);
  const grads = differentiate(b, loss, names.map((n) => params[n]));
  return b.finish({ loss, ...Object.fromEntries(names.map((n, i) => [`grad:${n}`, grads[i]])) });
}

describe('differentiate', () => {
  it('sums the contributions of a param used at every time step (BPTT matches finite differences)', () => {
    const { b, loss, params, feeds } = unrolledRnn();
    const graph = withGradients(b, loss, params);
    verifyIr(graph);
    const { worst, perParam } = gradCheck(graph, feeds);
    assert.deepEqual(Object.keys(perParam).sort(), ['U', 'W', 'b']);
    assert.ok(worst < 1e-6, JSON.stringify(perParam));
    // W's gradient gathers one contribution per step in a single addN.
    const dw = graph.nodes[graph.outputs['grad:W']];
    assert.equal(dw.op.type, 'addN');
    assert.equal(dw.inputs.length, T);
  });

  it('sums contributions exactly: d(x·x·x)/dx = 3x²', () => {
    const b = new IrBuilder();
    const x = b.param('x', [3]);
    const cube = b.emit({ type: 'mul' }, [b.emit({ type: 'mul' }, [x, x]), x]);
    const loss = b.emit({ type: 'reduceSum', axes: [0], keepDims: false }, [cube]);
    const [dx] = differentiate(b, loss, [x]);
    const out = runReference(b.finish({ dx }), { x: tensor([3], [1, -2, 0.5]) });
    assert.deepEqual([...out.dx.data], [3, 12, 0.75]);
  });

  it('gives an exact zero gradient, of the param\'s shape, to a param the loss does not depend on', () => {
    const b = new IrBuilder();
    const w = b.param('w', [2, 3]);
    const unrelated = b.param('unrelated', [4, 1]);
    const elsewhere = b.param('elsewhere', [2]);
    b.emit({ type: 'exp' }, [elsewhere]); // used, but not on the way to the loss
    const loss = b.emit({ type: 'reduceSum', axes: [0, 1], keepDims: false }, [b.emit({ type: 'tanh' }, [w])]);
    const [dw, dUnrelated, dElsewhere] = differentiate(b, loss, [w, unrelated, elsewhere]);
    const graph = b.finish({ dw, dUnrelated, dElsewhere });
    verifyIr(graph);
    for (const id of [dUnrelated, dElsewhere]) assert.equal(graph.nodes[id].op.type, 'zeros');
    const out = runReference(graph, { w: tensor([2, 3], [1, 2, 3, 4, 5, 6]), unrelated: tensor([4, 1]), elsewhere: tensor([2]) });
    assert.deepEqual(out.dUnrelated.shape, [4, 1]);
    assert.ok(out.dUnrelated.data.every((v) => Object.is(v, 0)));
    assert.deepEqual(out.dElsewhere.shape, [2]);
    assert.ok(out.dElsewhere.data.every((v) => Object.is(v, 0)));
    assert.ok(out.dw.data.every((v) => v > 0));
  });

  it('rejects a loss that is not a scalar', () => {
    const b = new IrBuilder();
    const w = b.param('w', [2, 3]);
    const y = b.emit({ type: 'tanh' }, [w]);
    assert.throws(() => differentiate(b, y, [w]), /the loss must be a scalar, got shape \[2, 3\]/);
    const one = b.emit({ type: 'reshape', shape: [1] }, [b.emit({ type: 'reduceSum', axes: [0, 1], keepDims: false }, [y])]);
    assert.throws(() => differentiate(b, one, [w]), /scalar, got shape \[1\]/);
  });

  it('marks gradient nodes backward and leaves the builder in the forward phase', () => {
    const { b, loss, params } = unrolledRnn();
    const forwardCount = b.nodes.length;
    withGradients(b, loss, params);
    assert.ok(b.nodes.length > forwardCount);
    b.nodes.forEach((n) => assert.equal(n.phase, n.id < forwardCount ? 'forward' : 'backward', `node ${n.id} (${n.op.type})`));
    assert.equal(b.phase, 'forward');
    assert.deepEqual(b.origin, { block: '', t: null });
  });

  it('attributes the backward nodes to the block and time step of the forward node they differentiate', () => {
    const { b, loss, params } = unrolledRnn();
    const forwardCount = b.nodes.length;
    const graph = withGradients(b, loss, params);
    const key = (o: Origin) => `${o.block}@${o.t}`;
    const forward = graph.nodes.slice(0, forwardCount);
    const backward = graph.nodes.slice(forwardCount);

    // Every step of the unrolled cell has its own backward nodes, and none is attributed elsewhere.
    const forwardOrigins = new Set(forward.map((n) => key(n.origin)));
    for (const n of backward) assert.ok(forwardOrigins.has(key(n.origin)), `backward node ${n.id} has origin ${key(n.origin)}`);
    for (let t = 0; t < T; t++) assert.ok(backward.some((n) => key(n.origin) === `rnn@${t}`), `no backward node for step ${t}`);

    // tanh's rule reads its own output y as mul(y, y): that node belongs to y's block and step.
    const tanhs = forward.filter((n) => n.op.type === 'tanh');
    assert.equal(tanhs.length, T);
    for (const y of tanhs) {
      const squares = backward.filter((n) => n.op.type === 'mul' && n.inputs[0] === y.id && n.inputs[1] === y.id);
      assert.equal(squares.length, 1, `tanh node ${y.id}`);
      assert.deepEqual(squares[0].origin, y.origin);
    }
    // matmul's rule reads x_t (for dW) with a transpose: one per step, at that step.
    for (const n of forward.filter((m) => m.op.type === 'index')) {
      const users = backward.filter((m) => m.inputs.includes(n.id));
      assert.ok(users.length > 0);
      for (const m of users) assert.deepEqual(m.origin, n.origin, `backward node ${m.id} reads x_${n.origin.t}`);
    }
    // The seed dLoss/dLoss is the loss's; a param's summed gradient is the param's.
    assert.deepEqual(graph.nodes[graph.outputs['grad:W']].origin, graph.nodes[params.W].origin);
    assert.equal(backward[0].op.type, 'const');
    assert.deepEqual(backward[0].origin, { block: 'head', t: null });
  });

  it('attributes the constants a gradient rule emits too', () => {
    const b = new IrBuilder();
    const x = b.param('x', []);
    const y0 = b.at({ block: 'cell', t: 0 }, () => b.emit({ type: 'tanh' }, [x]));
    const y1 = b.at({ block: 'cell', t: 1 }, () => b.emit({ type: 'tanh' }, [y0]));
    const loss = b.at({ block: 'head', t: null }, () => b.emit({ type: 'neg' }, [y1]));
    differentiate(b, loss, [x]);
    // tanh's rule emits 1 − y²: the `1` it subtracts from belongs to the tanh's step as well.
    for (const sub of b.nodes.filter((n) => n.phase === 'backward' && n.op.type === 'sub')) {
      const [oneId, squareId] = sub.inputs;
      assert.deepEqual(b.node(oneId).origin, b.node(squareId).origin, `const ${oneId} used by node ${sub.id}`);
    }
  });
});
