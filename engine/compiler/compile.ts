/**
 * The compiler: block graph → cell graph (primitives + delays) → forward IR unrolled over T →
 * train-step IR (loss and the gradient of every weight, by reverse-mode AD). Both IRs are
 * verified before they leave.
 */
import type { Initializer, LowerContext } from '../blocks/types.ts';
import type { GraphDocument } from '../graph/schema.ts';
import { differentiate } from '../ir/autodiff.ts';
import { IrBuilder } from '../ir/builder.ts';
import type { DType, IrGraph, NodeId, Shape } from '../ir/types.ts';
import { prune, verifyIr } from '../ir/verify.ts';
import { CellBuilder, CellError, type CellGraph, type CellRef } from './cell.ts';
import { CompileError, type Diagnostic, hasErrors } from './diagnostics.ts';
import { analyzeGraph, type Analysis, type StreamTypes } from './validate.ts';
import { type Unrolled, unrollCell } from './unroll.ts';

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
  /** Data the graphs read: 'x', 'y', and 'state:<delay>' when stateful. */
  readonly inputs: readonly DataInput[];
  /** Outputs: 'loss' (when the graph has an output block), 'out:<output node>' predictions, 'final:<delay>' (the state after the last step). */
  readonly forward: IrGraph;
  /** The forward outputs plus 'grad:<param>' for every weight (and 'gradState:<delay>' when asked for). */
  readonly train: IrGraph;
  /** Delay names, when stateful (the state a generator carries from step to step). */
  readonly states: readonly { name: string; shape: Shape }[];
}

/** Lowers every block to the cell graph. Throws CompileError when the analysis found errors. */
export function lowerToCell(doc: GraphDocument, analysis: Analysis, batch: number, steps?: number): { cell: CellGraph; losses: CellRef[]; predictions: Map<string, CellRef> } {
  if (hasErrors(analysis.diagnostics)) throw new CompileError(analysis.diagnostics);
  const cell = new CellBuilder(batch, steps);
  const made = new Map<string, Readonly<Record<string, CellRef>>>();
  const edgesInto = (id: string) => doc.edges.filter((e) => e.target === id);
  const losses: CellRef[] = [];
  const predictions = new Map<string, CellRef>();
  try {
    for (const id of analysis.order) {
      const info = analysis.nodes.get(id)!;
      const feedback = info.block.type === 'delay';
      const inputs: Record<string, CellRef | undefined> = {};
      if (!feedback) for (const e of edgesInto(id)) inputs[e.targetPort] = made.get(e.source)?.[e.sourcePort];
      const weightSpecs = new Map(info.weights.map((w) => [w.name, w]));
      const cx: LowerContext = {
        cell,
        nodeId: id,
        inputs,
        types: info.inputs,
        weight: (name) => {
          const spec = weightSpecs.get(name);
          if (!spec) throw new Error(`block '${id}' (${info.block.type}) uses weight '${name}' that it does not declare`);
          return cell.param(`${id}.${name}`, spec.shape);
        },
      };
      const outputs = cell.forBlock(id, () => info.block.lower(info.params, cx));
      made.set(id, outputs);
      if (outputs.loss !== undefined) losses.push(outputs.loss);
      if (info.block.type === 'output' && outputs.prediction !== undefined) predictions.set(id, outputs.prediction);
    }
    for (const e of analysis.feedback) {
      const source = made.get(e.source)?.[e.sourcePort];
      const delay = made.get(e.target)?.out;
      if (source === undefined || delay === undefined) throw new CellError(`edge '${e.id}' into a delay could not be connected`, e.target);
      cell.connectDelay(delay, source);
    }
    return { cell: cell.finish(), losses, predictions };
  } catch (e) {
    throw asCompileError(e);
  }
}

const asCompileError = (e: unknown): unknown =>
  e instanceof CellError ? new CompileError([{ severity: 'error', code: e.code, nodeId: e.block, message: e.message }]) : e;

/**
 * The graph compiled for `opts.steps` steps and batch `opts.batch`. Throws CompileError (with
 * every diagnostic) for an invalid graph, and for a stateful compile of a graph with a backward
 * recurrence (code 'time-direction').
 */
export function compileGraph(doc: GraphDocument, opts: CompileOptions): Compiled {
  const { steps, batch, stateful = false } = opts;
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch size must be a positive integer, got ${batch}`);
  const analysis = analyzeGraph(doc, opts.streams);
  const { cell, losses, predictions } = lowerToCell(doc, analysis, batch, steps);

  const b = new IrBuilder();
  let unrolled: Unrolled;
  try {
    unrolled = unrollCell(cell, b, { steps, stateful });
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
  const states = stateful ? [...unrolled.finalStates.keys()].map((name) => ({ name, shape: cell.nodes.find((n) => n.kind === 'delay' && n.name === name)!.shape })) : [];
  if (stateful) for (const [name, id] of unrolled.finalStates) outputs[`final:${name}`] = id;

  const forward = prune(b.finish(outputs));
  verifyIr(forward);

  const weights: WeightInfo[] = analysis.order.flatMap((id) =>
    analysis.nodes.get(id)!.weights.map((w) => ({ param: `${id}.${w.name}`, node: id, name: w.name, shape: w.shape, init: w.init, units: w.units, gain: w.gain, value: w.value })),
  );
  let train = forward;
  if (outputs.loss !== undefined) {
    const paramIds = weights.map((w) => b.param(w.param, w.shape));
    // h_t of each delay is the IR node its input computes at step t; asking AD for its gradient
    // too returns the backward node that holds ∂loss/∂h_t.
    const carried = opts.stateGradients
      ? cell.nodes.flatMap((n) => (n.kind === 'delay' && n.input !== null ? [{ name: n.name, block: n.block, at: Array.from({ length: steps }, (_, t) => unrolled.at(n.input!, t)) }] : []))
      : [];
    const grads = differentiate(b, outputs.loss, [...paramIds, ...carried.flatMap((d) => d.at)]);
    b.phase = 'backward';
    const stateGrads = Object.fromEntries(
      carried.map((d, i) => {
        const rows = grads.slice(paramIds.length + i * steps, paramIds.length + (i + 1) * steps);
        return [`gradState:${d.name}`, b.at({ block: d.block, t: null }, () => b.emit({ type: 'stack' }, rows))];
      }),
    );
    b.phase = 'forward';
    train = prune(b.finish({ ...outputs, ...Object.fromEntries(weights.map((w, i) => [`grad:${w.param}`, grads[i]])), ...stateGrads }));
    verifyIr(train);
  }

  const inputs: DataInput[] = train.nodes.flatMap((n) => (n.op.type === 'input' ? [{ name: n.op.name, shape: n.shape, dtype: n.dtype }] : []));
  return { steps, batch, analysis, cell, weights, inputs, forward, train, states };
}

/** Diagnostics only, for `validate` and the editor. */
export function validateGraph(doc: GraphDocument, streams?: StreamTypes): Diagnostic[] {
  return analyzeGraph(doc, streams).diagnostics;
}
