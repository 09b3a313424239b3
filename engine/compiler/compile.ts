/**
 * The compiler: block graph → cell graph (primitives + delays) → forward IR unrolled over T →
 * train-step IR (loss and the gradient of every weight, by reverse-mode AD). Both IRs are
 * verified before they leave.
 */
import type { Initializer } from '../blocks/types.ts';
import type { GraphDocument } from '../graph/schema.ts';
import { differentiateWork } from '../ir/autodiff.ts';
import { IrBuilder } from '../ir/builder.ts';
import type { DType, IrGraph, NodeId, Shape } from '../ir/types.ts';
import { pruneWork, verifyIrWork } from '../ir/verify.ts';
import { finish, within, type Work } from '../ir/work.ts';
import type { CellGraph } from '../cell/cell.ts';
import type { Diagnostic } from '../graph/diagnostics.ts';
import { asCompileError, type Lowered, lowerToCell } from './lower.ts';
import { type Budgets, checkSteps, DEFAULT_BUDGETS } from './budgets.ts';
import { analyzeGraph, type Analysis, type StreamTypes } from './validate.ts';
import { type Unrolled, unrollWork } from './unroll.ts';

export interface CompileOptions {
  /** Time steps T to unroll over. */
  readonly steps: number;
  /** Batch size B (shapes are concrete). */
  readonly batch: number;
  readonly streams?: StreamTypes;
  /** Delays read their start from `state:<delay>` inputs and report their end (generation). */
  readonly stateful?: boolean;
  /**
   * The train IR also outputs 'gradState:<delay>' ([T, ...state shape]): row t is ∂loss/∂h_t, the
   * gradient BPTT delivers to the value the delay carries out of step t (what the trainer draws to
   * show vanishing and exploding gradients).
   */
  readonly stateGradients?: boolean;
  /**
   * Each source block reads its own data input, `sourceFeed(node id)`, instead of its stream:
   * prediction is given data by input node, and two input blocks may read one stream.
   */
  readonly sourcesByNode?: boolean;
  /** Steps and parameters beyond which the compile is refused (default DEFAULT_BUDGETS). */
  readonly budgets?: Pick<Budgets, 'steps' | 'parameters'>;
}

/** A trainable weight: IR param `<node>.<name>`, stored in model files by node id and name. */
export interface WeightInfo {
  readonly param: string;
  readonly node: string;
  readonly name: string;
  readonly shape: Shape;
  readonly init: Initializer;
  readonly units?: number;
  readonly gain?: number;
  readonly value?: number;
}

export interface DataInput {
  readonly name: string;
  /** Time-major for sequences: [T, B, F] or [T, B]. */
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface Compiled {
  readonly steps: number;
  readonly batch: number;
  readonly analysis: Analysis;
  readonly cell: CellGraph;
  readonly weights: readonly WeightInfo[];
  /** Data the graphs read: 'x', 'y', 'state:<delay>' when stateful, and 'source:<node>' in place of the streams with sourcesByNode. */
  readonly inputs: readonly DataInput[];
  /** Outputs: 'loss' (when the graph has an output block), 'out:<output node>' predictions, 'final:<delay>' (the state after the last step). */
  readonly forward: IrGraph;
  /** The forward outputs plus 'grad:<param>' for every weight (and 'gradState:<delay>' when asked for). */
  readonly train: IrGraph;
  /** Delay names, when stateful (the state a generator carries from step to step). */
  readonly states: readonly { name: string; shape: Shape }[];
  /**
   * Dropout masks the train IR reads ('mask:<name>', time-major [T, B, F] per step or [B, F]),
   * each to be fed m / (1 − rate) with m ~ Bernoulli(1 − rate) fresh every step. The forward IR
   * reads none: evaluation, prediction and sampling are dropout-free.
   */
  readonly masks: readonly (DataInput & { readonly rate: number })[];
}

/**
 * The graph compiled for `opts.steps` steps and batch `opts.batch`. Throws BudgetError, before
 * anything else, for more steps than the budget; CompileError (with every diagnostic) for an
 * invalid graph or one over the parameter budget, and for a stateful compile of a graph with a
 * backward recurrence (code 'time-direction').
 */
export function compileGraph(doc: GraphDocument, opts: CompileOptions): Compiled {
  return finish(compileWork(doc, opts));
}

/**
 * compileGraph in pieces (see ir/work.ts), for a caller that gives the event loop back, reports
 * progress or stops while a long sequence compiles. The shares of the whole below are rough
 * measurements of where the time goes (the train IR's AD, pruning and checks dominate).
 */
export function* compileWork(doc: GraphDocument, opts: CompileOptions): Work<Compiled> {
  const { steps, batch, stateful = false, sourcesByNode = false, budgets = DEFAULT_BUDGETS } = opts;
  checkSteps(steps, budgets.steps);
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch size must be a positive integer, got ${batch}`);
  const analysis = analyzeGraph(doc, opts.streams, budgets);
  const trained = lowerToCell(doc, analysis, batch, { steps, training: true, sourcesByNode });
  // Dropout and teacher forcing exist only in the train step: the forward IR comes from a cell
  // lowered for evaluation, which has neither (and is the same cell when no block cares).
  const evaluated = trained.modal ? lowerToCell(doc, analysis, batch, { steps, sourcesByNode }) : trained;

  const b = new IrBuilder();
  const fwd = yield* within(unrollOutputs(evaluated, b, steps, stateful), 0, 0.1);
  const forward = yield* within(pruneWork(b.finish(fwd.outputs)), 0.1, 0.15);
  yield* within(verifyIrWork(forward), 0.15, 0.2);
  const { cell } = evaluated;
  const states = stateful ? [...fwd.unrolled.finalStates.keys()].map((name) => ({ name, shape: cell.nodes.find((n) => n.kind === 'delay' && n.name === name)!.shape })) : [];

  const weights: WeightInfo[] = analysis.order.flatMap((id) =>
    analysis.nodes.get(id)!.weights.map((w) => ({ param: `${id}.${w.name}`, node: id, name: w.name, shape: w.shape, init: w.init, units: w.units, gain: w.gain, value: w.value })),
  );
  let train = forward;
  if (fwd.outputs.loss !== undefined) {
    const tb = trained.modal ? new IrBuilder() : b;
    const { outputs, unrolled } = trained.modal ? yield* within(unrollOutputs(trained, tb, steps, stateful), 0.2, 0.25) : fwd;
    const paramIds = weights.map((w) => tb.param(w.param, w.shape));
    // h_t of each delay is the IR node its input computes at step t; asking AD for its gradient
    // too returns the backward node that holds ∂loss/∂h_t.
    const carried = opts.stateGradients
      ? trained.cell.nodes.flatMap((n) => (n.kind === 'delay' && n.input !== null ? [{ name: n.name, block: n.block, at: Array.from({ length: steps }, (_, t) => unrolled.at(n.input!, t)) }] : []))
      : [];
    const grads = yield* within(differentiateWork(tb, outputs.loss, [...paramIds, ...carried.flatMap((d) => d.at)]), 0.25, 0.55);
    tb.phase = 'backward';
    const stateGrads = Object.fromEntries(
      carried.map((d, i) => {
        const rows = grads.slice(paramIds.length + i * steps, paramIds.length + (i + 1) * steps);
        return [`gradState:${d.name}`, tb.at({ block: d.block, t: null }, () => tb.emit({ type: 'stack' }, rows))];
      }),
    );
    tb.phase = 'forward';
    train = yield* within(pruneWork(tb.finish({ ...outputs, ...Object.fromEntries(weights.map((w, i) => [`grad:${w.param}`, grads[i]])), ...stateGrads })), 0.55, 0.75);
    yield* within(verifyIrWork(train), 0.75, 1);
  }

  const inputs: DataInput[] = train.nodes.flatMap((n) => (n.op.type === 'input' ? [{ name: n.op.name, shape: n.shape, dtype: n.dtype }] : []));
  const rates = new Map((trained.cell.masks ?? []).map((m) => [m.name, m.rate]));
  const masks = inputs.flatMap((i) => (rates.has(i.name) ? [{ ...i, rate: rates.get(i.name)! }] : []));
  yield 1;
  return { steps, batch, analysis, cell, weights, inputs, forward, train, states, masks };
}

/** Unrolls `lowered` into `b`: the loss (the sum of every output block's), 'out:<node>' predictions and, when stateful, 'final:<delay>'. */
function* unrollOutputs({ cell, losses, predictions }: Lowered, b: IrBuilder, steps: number, stateful: boolean): Work<{ outputs: Record<string, NodeId>; unrolled: Unrolled }> {
  let unrolled: Unrolled;
  try {
    unrolled = yield* unrollWork(cell, b, { steps, stateful });
  } catch (e) {
    throw asCompileError(e);
  }
  const outputs: Record<string, NodeId> = {};
  if (losses.length > 0) {
    const parts = losses.map((l) => unrolled.at(l, 0));
    outputs.loss = parts.length === 1 ? parts[0] : b.at({ block: '', t: null }, () => b.emit({ type: 'addN' }, parts));
  }
  for (const [id, ref] of predictions) {
    const node = cell.nodes[ref];
    outputs[`out:${id}`] =
      node.domain === 'step'
        ? b.at({ block: id, t: null }, () => b.emit({ type: 'stack' }, Array.from({ length: steps }, (_, t) => unrolled.at(ref, t))))
        : unrolled.at(ref, 0);
  }
  if (stateful) for (const [name, id] of unrolled.finalStates) outputs[`final:${name}`] = id;
  return { outputs, unrolled };
}

/** Diagnostics only, for `validate` and the editor. */
export function validateGraph(doc: GraphDocument, streams?: StreamTypes): Diagnostic[] {
  return analyzeGraph(doc, streams).diagnostics;
}
