/**
 * verifyIr on a table of broken graphs, each with the diagnostic it must produce; prune against
 * an independent walk of what the outputs need, and against the reference interpreter.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IrBuilder } from '../../../engine/ir/builder.ts';
import { differentiate } from '../../../engine/ir/autodiff.ts';
import { IrError, prune, verifyIr } from '../../../engine/ir/verify.ts';
import type { Tensor64 } from '../../../engine/ir/tensor64.ts';
import type { IrGraph, IrNode, NodeId } from '../../../engine/ir/types.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';

/**
 * A small valid graph: y = tanh(x·W + c), loss = Σ y, with the gradient of W appended.
 *   0 input x [2, 3]   1 param W [3, 4]   2 param c [4]   3 matmul   4 add   5 tanh   6 reduceSum …
 */
function smallGraph(): IrGraph {
  const b = new IrBuilder();
  const x = b.input('x', [2, 3]);
  const w = b.param('W', [3, 4]);
  const c = b.param('c', [4]);
  const y = b.emit({ type: 'tanh' }, [b.emit({ type: 'add' }, [b.emit({ type: 'matmul', transA: false, transB: false }, [x, w]), c])]);
  const loss = b.emit({ type: 'reduceSum', axes: [0, 1], keepDims: false }, [y]);
  const [dw] = differentiate(b, loss, [w]);
  return b.finish({ loss, 'grad:W': dw, 'out:y': y });
}

/** The graph with node `id` replaced by `edit(node)`. */
const withNode = (g: IrGraph, id: NodeId, edit: (n: IrNode) => IrNode): IrGraph => ({
  nodes: g.nodes.map((n) => (n.id === id ? edit(n) : n)),
  outputs: g.outputs,
});

interface BrokenCase {
  readonly name: string;
  readonly graph: (g: IrGraph) => IrGraph;
  readonly error: RegExp;
}

const BROKEN: readonly BrokenCase[] = [
  { name: 'an input that is the node itself', graph: (g) => withNode(g, 3, (n) => ({ ...n, inputs: [0, 3] })), error: /IR node 3 \(matmul.*input 3 is not an earlier node/ },
  { name: 'an input that comes later', graph: (g) => withNode(g, 3, (n) => ({ ...n, inputs: [0, 5] })), error: /IR node 3 .*input 5 is not an earlier node/ },
  { name: 'a negative input', graph: (g) => withNode(g, 5, (n) => ({ ...n, inputs: [-1] })), error: /IR node 5 .*input -1 is not an earlier node/ },
  { name: 'an id out of place', graph: (g) => withNode(g, 4, (n) => ({ ...n, id: 7 })), error: /IR node 4 .*id 7 does not match its position/ },
  { name: 'a recorded shape that disagrees with its rule', graph: (g) => withNode(g, 3, (n) => ({ ...n, shape: [2, 3] })), error: /IR node 3 \(matmul.*recorded float32\[2, 3\] but its rule gives float32\[2, 4\]/ },
  { name: 'a recorded rank that disagrees with its rule', graph: (g) => withNode(g, 6, (n) => ({ ...n, shape: [1] })), error: /IR node 6 \(reduceSum.*recorded float32\[1\] but its rule gives float32\[\]/ },
  { name: 'a recorded dtype that disagrees with its rule', graph: (g) => withNode(g, 5, (n) => ({ ...n, dtype: 'int32' })), error: /IR node 5 \(tanh.*recorded int32\[2, 4\] but its rule gives float32\[2, 4\]/ },
  { name: 'a duplicate param name', graph: (g) => withNode(g, 2, (n) => ({ ...n, op: { type: 'param', name: 'W' } })), error: /IR node 2 \(param.*the name 'W' is fed twice/ },
  { name: 'a duplicate input name', graph: (g) => withNode(g, 1, (n) => ({ ...n, op: { type: 'input', name: 'x' } })), error: /IR node 1 \(input.*the name 'x' is fed twice/ },
  { name: 'an output pointing past the last node', graph: (g) => ({ ...g, outputs: { ...g.outputs, 'out:ghost': g.nodes.length } }), error: /output 'out:ghost' refers to missing node \d+/ },
  { name: 'an output pointing to a negative node', graph: (g) => ({ ...g, outputs: { ...g.outputs, loss: -1 } }), error: /output 'loss' refers to missing node -1/ },
];

describe('verifyIr', () => {
  it('accepts a graph built by IrBuilder, gradient nodes included', () => {
    verifyIr(smallGraph());
  });

  for (const c of BROKEN) {
    it(`rejects ${c.name}`, () => {
      assert.throws(() => verifyIr(c.graph(smallGraph())), (e: unknown) => e instanceof IrError && c.error.test(e.message));
    });
  }

  it('names the block and time step of the bad node', () => {
    const b = new IrBuilder();
    const x = b.param('x', [2]);
    const y = b.at({ block: 'lstm1', t: 3 }, () => b.emit({ type: 'tanh' }, [x]));
    const g = withNode(b.finish({ y }), y, (n) => ({ ...n, shape: [3] }));
    assert.throws(() => verifyIr(g), /IR node 1 \(tanh, block 'lstm1', t=3\)/);
  });

  // Known gap: inferShape's ShapeError escapes unwrapped, so the message does not say which node.
  it('rejects a node whose inputs no longer fit its op, naming the node', () => {
    const g = withNode(smallGraph(), 4, (n) => ({ ...n, inputs: [3, 0] }));
    assert.throws(() => verifyIr(g), (e: unknown) => e instanceof IrError && /IR node 4 \(add/.test(e.message));
  });

  it('rejects a node id that is not an integer', () => {
    assert.throws(() => verifyIr(withNode(smallGraph(), 3, (n) => ({ ...n, inputs: [0, 0.5] }))), IrError);
    assert.throws(() => verifyIr({ ...smallGraph(), outputs: { loss: 0.5 } }), IrError);
  });
});

/** Ids of every node the outputs depend on, by a depth-first walk (independent of prune's sweep). */
function ancestors(g: IrGraph): Set<NodeId> {
  const seen = new Set<NodeId>();
  const visit = (id: NodeId): void => {
    if (seen.has(id)) return;
    seen.add(id);
    g.nodes[id].inputs.forEach(visit);
  };
  Object.values(g.outputs).forEach(visit);
  return seen;
}

/** A graph with dead ends: an unused param, an unused branch, and nodes past the last output. */
function graphWithDeadNodes(): { graph: IrGraph; feeds: Record<string, Tensor64> } {
  const rng = mulberry32(7);
  const b = new IrBuilder();
  const x = b.input('x', [2, 3]);
  const unused = b.param('unused', [5]);
  b.emit({ type: 'exp' }, [unused]);
  const w = b.param('W', [3, 3]);
  const h = b.emit({ type: 'sigmoid' }, [b.emit({ type: 'matmul', transA: false, transB: false }, [x, w])]);
  b.emit({ type: 'log' }, [h]);
  const loss = b.emit({ type: 'reduceSum', axes: [0, 1], keepDims: false }, [b.emit({ type: 'mul' }, [h, h])]);
  const [dw, dUnused] = differentiate(b, loss, [w, unused]);
  b.emit({ type: 'neg' }, [dw]);
  const graph = b.finish({ loss, 'grad:W': dw, 'grad:unused': dUnused, 'out:h': h });
  const feeds = { x: randomTensor([2, 3], rng), W: randomTensor([3, 3], rng), unused: randomTensor([5], rng) };
  return { graph, feeds };
}

describe('prune', () => {
  it('keeps exactly the nodes the outputs need, in order, renumbered from 0', () => {
    const { graph } = graphWithDeadNodes();
    const live = ancestors(graph);
    const pruned = prune(graph);
    verifyIr(pruned);
    assert.ok(live.size < graph.nodes.length, 'the fixture has dead nodes');
    assert.equal(pruned.nodes.length, live.size);
    const kept = graph.nodes.filter((n) => live.has(n.id));
    pruned.nodes.forEach((n, j) => {
      assert.equal(n.id, j);
      assert.deepEqual(n.op, kept[j].op);
      assert.deepEqual(n.shape, kept[j].shape);
      assert.equal(n.phase, kept[j].phase);
      assert.deepEqual(n.origin, kept[j].origin);
    });
    // Each input points at the renumbered copy of the same original node.
    const newId = new Map(kept.map((n, j) => [n.id, j]));
    pruned.nodes.forEach((n, j) => assert.deepEqual(n.inputs, kept[j].inputs.map((x) => newId.get(x))));
    for (const [name, id] of Object.entries(graph.outputs)) assert.equal(pruned.outputs[name], newId.get(id), `output ${name}`);
    assert.ok(!pruned.nodes.some((n) => n.op.type === 'param' && n.op.name === 'unused'), 'grad:unused is a zeros node, so the param is dead');
  });

  it('gives identical results from the reference interpreter, and no longer needs dead feeds', () => {
    const { graph, feeds } = graphWithDeadNodes();
    const pruned = prune(graph);
    const before = runReference(graph, feeds);
    const { unused: _unused, ...liveFeeds } = feeds;
    const after = runReference(pruned, liveFeeds);
    assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
    for (const name of Object.keys(before)) {
      assert.deepEqual(after[name].shape, before[name].shape, name);
      assert.deepEqual(after[name].data, before[name].data, name);
    }
  });

  it('leaves a graph with no dead nodes as it is, and is idempotent', () => {
    const once = prune(graphWithDeadNodes().graph);
    const twice = prune(once);
    assert.deepEqual(twice, once);
  });

  it('keeps one node for outputs that share it', () => {
    const b = new IrBuilder();
    const x = b.param('x', [2]);
    const y = b.emit({ type: 'neg' }, [x]);
    b.emit({ type: 'exp' }, [x]);
    const pruned = prune(b.finish({ a: y, b: y }));
    assert.equal(pruned.nodes.length, 2);
    assert.equal(pruned.outputs.a, 1);
    assert.equal(pruned.outputs.b, 1);
  });
});
