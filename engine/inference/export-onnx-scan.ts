/**
 * ONNX export for any number of steps: the graph compiled for one step, with its delays read from
 * and written to state values (the compile `sample` runs), becomes the body of an ONNX `Scan`
 * that runs it once per step of the inputs. Only a cell that can run one step at a time forward
 * fits: a bidirectional block needs the future, attention and encoder–decoders read a whole
 * sequence, a mean over time needs every step; those are refused, naming the block.
 */
import onnxProto from 'onnx-proto';
import type { onnx as P } from 'onnx-proto';
import { type Budgets, DEFAULT_BUDGETS } from '../compiler/budgets.ts';
import { compileGraph } from '../compiler/compile.ts';
import { type Lowered, lowerToCell, sourceFeed } from '../compiler/lower.ts';
import { dependencies } from '../compiler/unroll.ts';
import { analyzeGraph } from '../compiler/validate.ts';
import type { CellRef } from '../cell/cell.ts';
import { irToModelProto, ONNX_IR_VERSION, ONNX_OPSET } from '../executors/onnx/emit.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { DType } from '../ir/types.ts';
import type { TrainingRecord } from '../model/file.ts';
import { STUDIO_VERSION } from '../protocol/version.ts';
import { exportedPredictions, graphName, metadataOf, type OnnxExport, type OnnxValue, onceOutput } from './export-onnx.ts';
import { inputBlocks, InputError } from './predict.ts';

const { onnx } = onnxProto;

/** The graph cannot be exported for any number of steps; `reason` says why without naming a CLI flag. */
export class AnyLengthRefused extends InputError {
  constructor(
    readonly reason: string,
    instead: string,
  ) {
    super(`--dynamic: ${reason}; ${instead}`);
  }
}
const TensorType = onnx.TensorProto.DataType;
const INTS = onnx.AttributeProto.AttributeType.INTS;
const AXIS0 = 'axes:0';
const LAST = 'index:-1';

/**
 * Why the cell cannot compute its predictions one step at a time, naming the block; undefined
 * when it can. Only what the predictions read counts: a loss averaged over time is not exported.
 */
function scanProblem({ cell, predictions }: Lowered): string | undefined {
  const needed = new Set<CellRef>();
  const visit = (ref: CellRef) => {
    if (needed.has(ref)) return;
    needed.add(ref);
    for (const d of dependencies(cell.nodes[ref])) visit(d);
  };
  for (const ref of predictions.values()) visit(ref);
  for (const n of cell.nodes.filter((x) => needed.has(x.id))) {
    const block = `'${n.block}'`;
    switch (n.kind) {
      case 'delay':
        if (n.direction === 'backward') return `${block} reads its sequence backward in time, so the model cannot run one step at a time`;
        if (n.init !== null) return `${block} starts its state from a value computed over a whole sequence (an encoder's final state)`;
        break;
      case 'allSteps':
        return `${block} reads every step of a sequence at once (attention)`;
      case 'firstStep':
      case 'meanOverTime':
      case 'repeat':
        return `${block} needs ${n.kind === 'repeat' ? 'a value computed over the whole sequence at every step' : n.kind === 'firstStep' ? 'the first step after the last' : 'every step before its result'}`;
      default:
        break;
    }
  }
  return undefined;
}

/**
 * Exports `graph` as an ONNX model whose sequence inputs and outputs have a `time` dimension of
 * any size (batch fixed at `o.batch`), by an ONNX Scan over the one-step cell. Throws InputError
 * for a graph whose cell cannot run one step at a time, or weights that do not fit.
 */
export function exportOnnxScan(graph: GraphDocument, weights: ReadonlyMap<string, Float32Array>, training: TrainingRecord | undefined, o: { batch: number; budgets?: Pick<Budgets, 'parameters'> }): OnnxExport {
  const budgets = { steps: 1, parameters: (o.budgets ?? DEFAULT_BUDGETS).parameters };
  const problem = scanProblem(lowerToCell(graph, analyzeGraph(graph, undefined, budgets), o.batch, { steps: 1, sourcesByNode: true }));
  if (problem) throw new AnyLengthRefused(problem, 'export a fixed length with --steps T instead');
  const compiled = compileGraph(graph, { steps: 1, batch: o.batch, stateful: true, sourcesByNode: true, budgets });
  const ir = compiled.forward;
  const predictions = exportedPredictions(compiled, weights);
  const states = compiled.states.map((s) => s.name);
  const specs = inputBlocks(graph);
  if (!specs.some((s) => s.sequence)) throw new AnyLengthRefused('the graph reads no sequence, so there is no time dimension to leave open', 'export it with --steps 1');
  const ids = [...specs.map((s) => s.id), ...predictions.map((k) => k.slice(4))];
  const body = irToModelProto(ir, { name: 'step', outputs: [...states.map((s) => `final:${s}`), ...predictions], initializers: weights, reserve: ids }).graph ?? {};
  const bodyInputs = new Map((body.input ?? []).map((v) => [v.name ?? '', v]));

  const main: P.INodeProto[] = [];
  const initializers: P.ITensorProto[] = [];
  const stepFeeds: P.IValueInfoProto[] = [];
  const scanned: string[] = [];
  const unsqueeze: P.INodeProto[] = [];
  const inputs: OnnxValue[] = [];
  for (const s of specs) {
    const feed = sourceFeed(s.id);
    const dtype: DType = s.tokens ? 'int32' : 'float32';
    const features = s.tokens ? [] : [s.size];
    inputs.push({ name: s.id, dtype, shape: [o.batch, ...(s.sequence ? [-1] : []), ...features], dims: ['batch', ...(s.sequence ? ['time'] : []), ...(s.tokens ? [] : ['features'])] });
    if (!bodyInputs.has(feed)) continue;
    bodyInputs.delete(feed);
    if (!s.sequence) {
      // The body reads a value without a time axis from the enclosing graph.
      main.push({ opType: 'Identity', input: [s.id], output: [feed], name: `boundary ${feed}` });
      continue;
    }
    // Scan hands the body one step, [B, F] (or [B] ids); the one-step IR reads it as [1, B, F].
    const element = `step:${s.id}`;
    scanned.push(s.id);
    stepFeeds.push(info(element, dtype, [o.batch, ...features]));
    unsqueeze.push({ opType: 'Unsqueeze', input: [element, AXIS0], output: [feed], name: `unsqueeze ${feed}` });
  }
  if (scanned.length === 0) throw new AnyLengthRefused('no output reads a sequence input, so there is no time dimension to leave open', 'export it with --steps 1');
  const stateInputs = states.map((s) => bodyInputs.get(`state:${s}`) ?? info(`state:${s}`, 'float32', []));
  for (const name of bodyInputs.keys()) if (!name.startsWith('state:')) throw new Error(`internal: the one-step graph reads '${name}', which the Scan does not give it`);

  const outputs: OnnxValue[] = [];
  const squeeze: P.INodeProto[] = [];
  const bodyOutputs: P.IValueInfoProto[] = states.map((s) => info(`final:${s}`, 'float32', shapeOf(body, `final:${s}`)));
  const scanOuts: string[] = [];
  const tail: P.INodeProto[] = [];
  for (const key of predictions) {
    const id = key.slice(4);
    const shape = shapeOf(body, key);
    if (shape.length === 3) {
      // A step's prediction is [1, B, F]; Scan stacks [B, F] along axis 1 into [B, T, F].
      squeeze.push({ opType: 'Squeeze', input: [key, AXIS0], output: [`each:${id}`], name: `squeeze ${key}` });
      bodyOutputs.push(info(`each:${id}`, 'float32', shape.slice(1)));
      scanOuts.push(id);
      outputs.push({ name: id, dtype: 'float32', shape: [shape[1], -1, shape[2]], dims: ['batch', 'time', 'features'] });
    } else {
      // A prediction once per sequence (after the last step): every step computes it, the last one counts.
      bodyOutputs.push(info(key, 'float32', shape));
      scanOuts.push(`all:${id}`);
      tail.push({ opType: 'Gather', input: [`all:${id}`, LAST], output: [id], name: `last ${id}`, attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] });
      outputs.push(onceOutput(id, 'float32', shape));
    }
  }
  // Names with a colon: the emitter gives internal values none, so these cannot meet one.
  const bodyConstants: P.ITensorProto[] = [{ name: AXIS0, dataType: TensorType.INT64, dims: [1], int64Data: [0] }];
  if (tail.length > 0) initializers.push({ name: LAST, dataType: TensorType.INT64, dims: [], int64Data: [-1] });
  for (const s of states) {
    const shape = shapeOf(body, `final:${s}`);
    initializers.push({ name: `start:${s}`, dataType: TensorType.FLOAT, dims: shape, floatData: new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0) });
  }

  const scanBody: P.IGraphProto = {
    name: 'step',
    node: [...unsqueeze, ...(body.node ?? []), ...squeeze],
    initializer: [...(body.initializer ?? []), ...bodyConstants],
    input: [...stateInputs, ...stepFeeds],
    output: bodyOutputs,
  };
  const outputAxes = predictions.map((k) => (shapeOf(body, k).length === 3 ? 1 : 0));
  main.push({
    opType: 'Scan',
    name: 'steps',
    input: [...states.map((s) => `start:${s}`), ...scanned],
    output: [...states.map((s) => `end:${s}`), ...scanOuts],
    attribute: [
      { name: 'body', type: onnx.AttributeProto.AttributeType.GRAPH, g: scanBody },
      { name: 'num_scan_inputs', type: onnx.AttributeProto.AttributeType.INT, i: scanned.length },
      { name: 'scan_input_axes', type: INTS, ints: scanned.map(() => 1) },
      { name: 'scan_output_axes', type: INTS, ints: outputAxes },
    ],
  });

  const metadata = metadataOf(graph, training, { steps: 'any', batch: o.batch }, inputs, outputs);
  const model: P.IModelProto = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'rnn-studio',
    producerVersion: STUDIO_VERSION,
    docString: `${graphName(graph)}: exported by RNN Studio ${STUDIO_VERSION} for any number of steps (ONNX Scan over one step) and batches of ${o.batch}`,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: graphName(graph),
      node: [...main, ...tail],
      initializer: initializers,
      input: inputs.map((v) => info(v.name, v.dtype, v.shape, v.dims)),
      output: outputs.map((v) => info(v.name, v.dtype, v.shape, v.dims)),
    },
  };
  return { bytes: onnx.ModelProto.encode(model).finish(), inputs, outputs, metadata };
}

/** The shape the emitted body gives output `name`. */
function shapeOf(body: P.IGraphProto, name: string): number[] {
  const v = (body.output ?? []).find((x) => x.name === name);
  const dims = v?.type?.tensorType?.shape?.dim ?? [];
  return dims.map((d) => Number(d.dimValue));
}

/** A value's type; a size of -1 is the symbolic dimension named in `dims`. */
function info(name: string, dtype: DType, shape: readonly number[], dims: readonly string[] = []): P.IValueInfoProto {
  const elemType = dtype === 'int32' ? TensorType.INT32 : TensorType.FLOAT;
  return { name, type: { tensorType: { elemType, shape: { dim: shape.map((d, i) => (d < 0 ? { dimParam: dims[i] } : { dimValue: d })) } } } };
}
