/**
 * Budgets: a compile over the steps limit is refused before the compiler looks at the graph, a
 * graph over the parameter limit is a validation error, the activation estimate is the peak of
 * the tensors alive at once (checked against a hand-computed IR), and every refusal names the
 * limit and how to raise it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activationBytes, BudgetError, budgetsFrom, checkActivationMemory, DEFAULT_BUDGETS } from '../../../engine/compiler/budgets.ts';
import { compileGraph, validateGraph } from '../../../engine/compiler/compile.ts';
import { analyzeGraph } from '../../../engine/compiler/validate.ts';
import type { DType, IrGraph, IrOp, NodeId, Shape } from '../../../engine/ir/types.ts';
import { graph } from '../../helpers/graphs.ts';

/** x → 8 stacked LSTMs of `units` → dense → output. */
function stacked(units: number, layers: number) {
  const nodes: Record<string, readonly [string, Record<string, unknown>?]> = { x: ['input', { size: 8 }] };
  const edges: string[] = [];
  let previous = 'x';
  for (let l = 1; l <= layers; l++) {
    nodes[`l${l}`] = ['lstm', { units, returnSequences: l < layers }];
    edges.push(`${previous} -> l${l}`);
    previous = `l${l}`;
  }
  nodes.d = ['dense', { units: 1 }];
  nodes.o = ['output', { loss: 'meanSquaredError' }];
  return graph(nodes, [...edges, `${previous} -> d`, 'd -> o']);
}

describe('the steps budget', () => {
  it('refuses 10,000,000 steps before the compiler reads the graph (a graph it could not even analyse)', () => {
    const unreadable = graph({ a: ['no-such-block'] }, []);
    assert.throws(
      () => compileGraph(unreadable, { steps: 10_000_000, batch: 1 }),
      (e: unknown) => e instanceof BudgetError && e.budget === 'steps' && /10,000,000 steps exceeds the limit of 10,000 steps per compile; raise it with --max-steps .* RNN_STUDIO_MAX_STEPS/.test(e.message),
    );
  });

  it('compiles up to the limit, and a raised limit lets more through', () => {
    const small = stacked(2, 1);
    assert.throws(() => compileGraph(small, { steps: 6, batch: 1, budgets: { ...DEFAULT_BUDGETS, steps: 5 } }), BudgetError);
    assert.equal(compileGraph(small, { steps: 5, batch: 1, budgets: { ...DEFAULT_BUDGETS, steps: 5 } }).steps, 5);
  });
});

describe('the parameter budget', () => {
  it('validate refuses 4096 units × 8 layers (about 1e9 parameters), naming the count, the limit and how to raise it', () => {
    const big = stacked(4096, 8);
    // Layer 1: 8·16384 + 4096·16384 + 16384; layers 2–8: 2·4096·16384 + 16384 each; the dense: 4096 + 1.
    const errors = validateGraph(big).filter((d) => d.code === 'too-large');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].severity, 'error');
    assert.match(errors[0].message, /^the graph has 1,006,899,201 parameters, more than the limit of 200,000,000 .*--max-parameters .*RNN_STUDIO_MAX_PARAMETERS/);
    assert.deepEqual(analyzeGraph(big, {}, { parameters: 2e9 }).diagnostics.filter((d) => d.code === 'too-large'), [], 'a raised limit lets it through');
  });

  it('a compile over the parameter budget is refused with the same diagnostic', () => {
    assert.throws(() => compileGraph(stacked(4, 1), { steps: 2, batch: 1, budgets: { ...DEFAULT_BUDGETS, parameters: 10 } }), /parameters, more than the limit of 10 /);
  });
});

/** A node of a hand-written IR. */
const node = (id: NodeId, op: IrOp, inputs: NodeId[], shape: Shape, dtype: DType = 'float32') => ({ id, op, inputs, shape, dtype, origin: { block: 'b', t: null }, phase: 'forward' as const });

describe('the activation estimate', () => {
  it('is the peak of the bytes alive at once, by hand: x[2,3], w[3,4], a = xw, b = tanh a, c = a·b, s = Σc', () => {
    const ir: IrGraph = {
      nodes: [
        node(0, { type: 'input', name: 'x' }, [], [2, 3]), // 24 B, alive throughout
        node(1, { type: 'param', name: 'w' }, [], [3, 4]), // 48 B, alive throughout
        node(2, { type: 'matmul', transA: false, transB: false }, [0, 1], [2, 4]), // a: 32 B until c
        node(3, { type: 'tanh' }, [2], [2, 4]), // b: 32 B until c
        node(4, { type: 'mul' }, [2, 3], [2, 4]), // c: 32 B until s
        node(5, { type: 'reduceSum', axes: [0, 1], keepDims: false }, [4], []), // s: 4 B, an output
      ],
      outputs: { s: 5 },
    };
    // While c is computed, x, w, a, b and c are alive: 24 + 48 + 3·32 = 168 (everything at once would be 172).
    assert.equal(activationBytes(ir), 168);
    // With c reading only b, a dies after b: the peak is x, w, a, b = 136.
    const shorter: IrGraph = { ...ir, nodes: ir.nodes.map((n) => (n.id === 4 ? { ...n, op: { type: 'neg' }, inputs: [3] } : n)) };
    assert.equal(activationBytes(shorter), 136);
  });

  it('over the free memory (or a set limit), refuses with the estimate, the limit and how to raise it', () => {
    const mib = 2 ** 20;
    const ir: IrGraph = { nodes: [node(0, { type: 'input', name: 'x' }, [], [1024, 1024]), node(1, { type: 'tanh' }, [0], [1024, 1024])], outputs: { y: 1 } };
    assert.equal(activationBytes(ir), 8 * mib);
    assert.throws(
      () => checkActivationMemory(ir, null, 5 * mib),
      (e: unknown) => e instanceof BudgetError && /needs an estimated 8 MB of tensors at once, more than the 5 MB of memory that is free .*--max-memory .*RNN_STUDIO_MAX_MEMORY_MB/.test(e.message),
    );
    assert.throws(() => checkActivationMemory(ir, 6 * mib, 64 * mib), /more than the limit of 6 MB/);
    checkActivationMemory(ir, null, 9 * mib);
  });
});

describe('budgets from the environment and options', () => {
  it('the environment raises the defaults, options override the environment, and a bad value names its variable', () => {
    assert.deepEqual(budgetsFrom({}), DEFAULT_BUDGETS);
    const env = { RNN_STUDIO_MAX_STEPS: '20000', RNN_STUDIO_MAX_PARAMETERS: '5', RNN_STUDIO_MAX_MEMORY_MB: '3' };
    assert.deepEqual(budgetsFrom(env), { steps: 20_000, inputSteps: 20_000, parameters: 5, memoryBytes: 3 * 2 ** 20 });
    assert.equal(budgetsFrom(env, { maxSteps: 7 }).inputSteps, 7);
    assert.throws(() => budgetsFrom({ RNN_STUDIO_MAX_STEPS: 'lots' }), /RNN_STUDIO_MAX_STEPS must be a positive integer, got 'lots'/);
  });
});
