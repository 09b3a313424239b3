/**
 * repeatVector (one-to-many): the vector it reads is its value at every step, token ids
 * included; a `steps` that is not the T the graph runs over is refused when it compiles; and a
 * sequence is not what it takes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompileError } from '../../../engine/graph/diagnostics.ts';
import { analyzeGraph } from '../../../engine/compiler/validate.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { tensor } from '../../../engine/ir/tensor64.ts';
import { mulberry32, randomTensor } from '../../helpers/gradcheck.ts';
import { compile, graph, step } from '../../helpers/graphs.ts';

const BATCH = 3;
const FEATURES = 2;

describe('repeatVector', () => {
  it('holds its input vector at every step (T = 4)', () => {
    const T = 4;
    const c = compile(graph({ x: ['input', { size: FEATURES, sequence: false }], r: ['repeatVector'], o: ['output'] }, ['x -> r', 'r -> o']), T, BATCH);
    const x = randomTensor([BATCH, FEATURES], mulberry32(3), 1);
    const out = runReference(c.forward, { x }, ['out:o'])['out:o'];
    assert.deepEqual(out.shape, [T, BATCH, FEATURES]);
    for (let t = 0; t < T; t++) assert.deepEqual([...step(out, t)], [...x.data], `t=${t}`);
    const nodes = c.forward.nodes.filter((n) => n.origin.block === 'r');
    assert.deepEqual(
      nodes.map((n) => n.origin.t),
      [0, 1, 2, 3],
      'one node per step, so the unrolled view shows the block at each step',
    );
  });

  it('repeats one token id per example into an embedding', () => {
    const T = 3;
    const c = compile(
      graph({ x: ['input', { kind: 'tokens', size: 4, sequence: false }], r: ['repeatVector', { steps: 3 }], e: ['embedding', { dim: 2 }], o: ['output'] }, ['x -> r', 'r -> e', 'e -> o']),
      T,
      BATCH,
    );
    const table = tensor([4, 2], [0, 1, 10, 11, 20, 21, 30, 31]);
    const out = runReference(c.forward, { x: tensor([BATCH], [2, 0, 3]), 'e.embeddings': table }, ['out:o'])['out:o'];
    for (let t = 0; t < T; t++) assert.deepEqual([...step(out, t)], [20, 21, 0, 1, 30, 31]);
  });

  it('refuses steps that are not the T the graph runs over, saying what to set', () => {
    const doc = graph({ x: ['input', { size: FEATURES, sequence: false }], r: ['repeatVector', { steps: 5 }], o: ['output'] }, ['x -> r', 'r -> o']);
    assert.deepEqual(analyzeGraph(doc).diagnostics, [], 'the graph itself is valid: T is known only when it is compiled');
    assert.throws(
      () => compile(doc, 4, BATCH),
      (e: unknown) =>
        e instanceof CompileError &&
        e.diagnostics.length === 1 &&
        e.diagnostics[0].code === 'param-invalid' &&
        e.diagnostics[0].nodeId === 'r' &&
        /repeats its input 5 times, but the graph runs over 4 steps .*set steps to 0 .* or to 4/.test(e.diagnostics[0].message),
    );
    assert.doesNotThrow(() => compile(doc, 5, BATCH));
  });

  it('takes a vector only', () => {
    const [d, ...rest] = analyzeGraph(graph({ x: ['input', { size: FEATURES }], r: ['repeatVector'], o: ['output'] }, ['x -> r', 'r -> o'])).diagnostics;
    assert.equal(rest.length, 0);
    assert.equal(d.code, 'kind-mismatch');
    assert.equal(d.nodeId, 'r');
    assert.match(d.message, /'repeatVector' input 'in' takes a vector, but receives a sequence/);
  });
});
