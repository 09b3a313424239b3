/**
 * ONNX export for inference: the forward graph `predict` runs, unrolled over a fixed number of
 * steps (export-onnx-scan.ts leaves the number open) and emitted by the ONNX Runtime executor's own emitter, with the weights stored as
 * initializers and the inputs and outputs batch-major and named by node id, as `predict` takes
 * and prints them. What a user of the file needs besides the numbers (input and output shapes,
 * normalisation, vocabulary, the studio version) goes into the model's metadata_props.
 */
import onnxProto from 'onnx-proto';
import type { onnx as P } from 'onnx-proto';
import { type Budgets, checkInputSteps, DEFAULT_BUDGETS } from '../compiler/budgets.ts';
import { type Compiled, compileGraph } from '../compiler/compile.ts';
import { sourceFeed } from '../compiler/lower.ts';
import { irToModelProto, valueInfo } from '../executors/onnx/emit.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { DType } from '../ir/types.ts';
import { checkWeightsAgainst, type TrainingRecord } from '../model/file.ts';
import { STUDIO_VERSION } from '../protocol/version.ts';
import { inputBlocks, InputError } from './predict.ts';

const { onnx } = onnxProto;

export interface OnnxExportOptions {
  /** Time steps the model is unrolled over; every sequence input and output has exactly this many. */
  readonly steps: number;
  /** Examples per run (the first dimension of every input and output). */
  readonly batch: number;
  readonly budgets?: Pick<Budgets, 'inputSteps' | 'parameters'>;
}

/** One input or output of the exported model, as recorded in its metadata. */
export interface OnnxValue {
  /** The node id: the ONNX value's name and the key `predict` uses. */
  readonly name: string;
  readonly dtype: DType;
  /** Batch-major: [B, T, F] or [B, T] for sequences, [B, F] or [B] otherwise; -1 for a time dimension of any size. */
  readonly shape: readonly number[];
  /** What each dimension is, e.g. ['batch', 'time', 'features']. */
  readonly dims: readonly string[];
}

export interface OnnxExport {
  /** The encoded ModelProto (ir_version 8, opset 17). */
  readonly bytes: Uint8Array;
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly OnnxValue[];
  /** metadata_props as written. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** The metadata key prefix, so that the keys do not mix with those other tools add. */
export const METADATA_PREFIX = 'rnn_studio.';

/**
 * Exports `graph` with `weights` (keyed `<node>.<name>`, as model files and the trainer hold them)
 * as an ONNX model that computes what `predict` prints for a batch of `o.batch` examples of
 * `o.steps` steps. Throws InputError for weights that do not fit the graph, BudgetError for too
 * many steps or parameters, and CompileError for a graph that does not compile.
 */
export function exportOnnx(graph: GraphDocument, weights: ReadonlyMap<string, Float32Array>, training: TrainingRecord | undefined, o: OnnxExportOptions): OnnxExport {
  const budgets = o.budgets ?? DEFAULT_BUDGETS;
  checkInputSteps(o.steps, 'the export', budgets.inputSteps);
  const compiled = compileGraph(graph, { steps: o.steps, batch: o.batch, sourcesByNode: true, budgets: { parameters: budgets.parameters, steps: budgets.inputSteps } });
  const wanted = exportedPredictions(compiled, weights);
  const forward = { nodes: compiled.forward.nodes, outputs: Object.fromEntries(wanted.map((k) => [k, compiled.forward.outputs[k]])) };

  const inputs: OnnxValue[] = inputBlocks(graph).map((s) => {
    const dims = s.sequence ? ['batch', 'time'] : ['batch'];
    const shape = s.sequence ? [o.batch, o.steps] : [o.batch];
    return s.tokens ? { name: s.id, dtype: 'int32', shape, dims } : { name: s.id, dtype: 'float32', shape: [...shape, s.size], dims: [...dims, 'features'] };
  });
  const outputs: OnnxValue[] = wanted.map((key) => {
    const { shape, dtype } = forward.nodes[forward.outputs[key]];
    const id = key.slice('out:'.length);
    // The IR is time-major: [T, B, F] sequences become [B, T, F], as predict prints them.
    return shape.length === 3
      ? { name: id, dtype, shape: [shape[1], shape[0], shape[2]], dims: ['batch', 'time', 'features'] }
      : onceOutput(id, dtype, shape);
  });

  const model = irToModelProto(forward, { name: graphName(graph), outputs: wanted, initializers: weights, reserve: [...inputs, ...outputs].map((v) => v.name) });
  const g = model.graph ?? {};
  const fed = new Set((g.input ?? []).map((v) => v.name));
  const boundary: P.INodeProto[] = [];
  for (const v of inputs) {
    const feed = sourceFeed(v.name);
    // An input no output depends on is still an input of the graph, as predict still asks for it.
    if (!fed.has(feed)) continue;
    boundary.push(transposeOrCopy(v.name, feed, v.dims[1] === 'time' ? v.shape.length : 0));
  }
  const tail = outputs.map((v) => transposeOrCopy(`out:${v.name}`, v.name, v.dims[1] === 'time' ? v.shape.length : 0));
  const metadata = metadataOf(graph, training, o, inputs, outputs);
  model.producerVersion = STUDIO_VERSION;
  model.docString = `${graphName(graph)}: exported by RNN Studio ${STUDIO_VERSION}, unrolled over ${o.steps} step${o.steps === 1 ? '' : 's'} for batches of ${o.batch}`;
  model.metadataProps = Object.entries(metadata).map(([key, value]) => ({ key, value }));
  model.graph = {
    ...g,
    node: [...boundary, ...(g.node ?? []), ...tail],
    input: inputs.map((v) => valueInfo(v.name, v.dtype, v.shape)),
    output: outputs.map((v) => valueInfo(v.name, v.dtype, v.shape)),
  };
  return { bytes: onnx.ModelProto.encode(model).finish(), inputs, outputs, metadata };
}

/**
 * The IR outputs an export computes ('out:<output node>'), once the weights are known to fit.
 * Throws InputError for weights that do not fit, or a graph with no output block.
 */
export function exportedPredictions(compiled: Pick<Compiled, 'weights' | 'forward'>, weights: ReadonlyMap<string, Float32Array>): string[] {
  const problems = checkWeightsAgainst(compiled.weights, weights);
  if (problems.length > 0) throw new InputError(`the weights do not fit the graph: ${problems.join('; ')}`);
  const wanted = Object.keys(compiled.forward.outputs).filter((k) => k.startsWith('out:'));
  if (wanted.length === 0) throw new InputError('the graph has no output block, so an exported model would compute nothing');
  return wanted;
}

/** An output computed once per sequence: [B, F] (or another shape whose first axis is the batch). */
export const onceOutput = (name: string, dtype: DType, shape: readonly number[]): OnnxValue => ({
  name,
  dtype,
  shape: [...shape],
  dims: shape.length === 2 ? ['batch', 'features'] : shape.map((_, i) => (i === 0 ? 'batch' : `axis${i}`)),
});

export const graphName = (graph: GraphDocument): string => graph.name || 'rnn_studio';

/** Swaps the first two axes of a sequence (rank 2 or 3; the IR is time-major), or copies a value without a time axis (rank 0). */
function transposeOrCopy(from: string, to: string, rank: number): P.INodeProto {
  if (rank < 2) return { opType: 'Identity', input: [from], output: [to], name: `boundary ${to}` };
  const perm = rank === 3 ? [1, 0, 2] : [1, 0];
  return { opType: 'Transpose', input: [from], output: [to], name: `boundary ${to}`, attribute: [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: perm }] };
}

/** The metadata_props of an export, keys prefixed with METADATA_PREFIX. */
export function metadataOf(graph: GraphDocument, training: TrainingRecord | undefined, o: { steps: number | 'any'; batch: number }, inputs: readonly OnnxValue[], outputs: readonly OnnxValue[]): Record<string, string> {
  const props: Record<string, string> = {
    graph_name: graphName(graph),
    studio_version: STUDIO_VERSION,
    steps: String(o.steps),
    batch: String(o.batch),
    inputs: JSON.stringify(inputs),
    outputs: JSON.stringify(outputs.map((v) => ({ ...v, meaning: outputMeaning(graph, v.name) }))),
  };
  if (training?.normalisation) props.normalisation = JSON.stringify({ ...training.normalisation, formula: 'v = 2 (x - min) / (max - min) - 1; x = min + (v + 1) / 2 (max - min)' });
  if (training?.vocabulary) props.vocabulary = JSON.stringify(training.vocabulary);
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [`${METADATA_PREFIX}${k}`, v]));
}

/** What an output's values are, from the loss its output block was trained with. */
function outputMeaning(graph: GraphDocument, id: string): string {
  const loss = graph.nodes.find((n) => n.id === id)?.params.loss;
  return loss === 'softmaxCrossEntropy' ? 'probabilities (softmax over the last axis)' : loss === 'binaryCrossEntropy' ? 'probabilities (sigmoid)' : 'values';
}

/** Whether the graph reads a sequence (an export then needs a number of steps, or a Scan). */
export const hasSequenceInput = (graph: GraphDocument): boolean => inputBlocks(graph).some((s) => s.sequence);
