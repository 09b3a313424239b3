/**
 * Emits an IR graph as an ONNX model (ir_version 8, default-domain opset 17) that ONNX Runtime
 * runs. Each IR node becomes one or a few ONNX nodes; IR inputs and params become graph inputs
 * under their own names, and each requested IR output becomes a graph output of the same name.
 */
import onnxProto from 'onnx-proto';
import type { onnx as P } from 'onnx-proto';
import { type DType, type IrGraph, type IrNode, type Shape, assertNever, sizeOf } from '../../ir/types.ts';
import { leavesOf, liveNodes } from '../tensors.ts';

const { onnx } = onnxProto;
const TensorType = onnx.TensorProto.DataType;
type ElemType = 'float32' | 'int32' | 'int64';
const elemType = (t: ElemType): number => ({ float32: TensorType.FLOAT, int32: TensorType.INT32, int64: TensorType.INT64 })[t];

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

export interface EmitOptions {
  /** The ONNX graph's name (shows in Netron and in ORT's logs). */
  readonly name?: string;
  /** The IR outputs to compute (default: all of them). Nodes no requested output needs are left out. */
  readonly outputs?: readonly string[];
  /** Values of params to store in the model as initializers (an exported model's weights) instead of taking them as inputs. */
  readonly initializers?: ReadonlyMap<string, Float32Array>;
  /** Value names the caller adds around the emitted graph, so that no internal value takes them. */
  readonly reserve?: readonly string[];
}

/**
 * Serialises `graph` as an ONNX ModelProto. Graph inputs are the IR inputs and params that the
 * requested outputs depend on (see {@link leavesOf}); float32 or int32 with concrete shapes.
 * Throws when an output is missing or a name is used twice (ONNX values share one namespace).
 */
export function irToOnnx(graph: IrGraph, opts: EmitOptions = {}): Uint8Array {
  return onnx.ModelProto.encode(irToModelProto(graph, opts)).finish();
}

/**
 * irToOnnx before encoding, for a caller that adds to the model (an export's boundary nodes and
 * metadata). A param found in `opts.initializers` becomes an initializer of its IR shape; the
 * other leaves stay graph inputs.
 */
export function irToModelProto(graph: IrGraph, opts: EmitOptions = {}): P.IModelProto {
  const outputs = opts.outputs ?? Object.keys(graph.outputs);
  const live = liveNodes(graph, outputs);
  const w = new OnnxWriter();

  const leaves = leavesOf(graph, outputs);
  for (const leaf of leaves) w.reserve(leaf.name, `${leaf.kind} '${leaf.name}'`);
  for (const name of outputs) w.reserve(name, `output '${name}'`);
  for (const name of opts.reserve ?? []) w.reserve(name, `the name '${name}' the caller adds`);
  const baked = new Set<string>();
  for (const leaf of leaves) {
    const values = leaf.kind === 'param' ? opts.initializers?.get(leaf.name) : undefined;
    if (values === undefined) continue;
    if (values.length !== sizeOf(leaf.shape)) throw new Error(`ONNX export: param '${leaf.name}' of shape [${leaf.shape.join(', ')}] needs ${sizeOf(leaf.shape)} values, got ${values.length}`);
    w.initializers.push({ name: leaf.name, dataType: elemType('float32'), dims: [...leaf.shape], rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    baked.add(leaf.name);
  }

  const values: string[] = [];
  for (const node of graph.nodes) {
    if (live[node.id]) values[node.id] = lowerNode(w, node, node.inputs.map((x) => values[x]), graph);
  }
  for (const name of outputs) w.output(name, values[graph.outputs[name]]);

  return {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'rnn-studio',
    graph: {
      name: opts.name ?? 'rnn_studio',
      node: w.nodes,
      initializer: w.initializers,
      input: leaves.filter((l) => !baked.has(l.name)).map((l) => valueInfo(l.name, l.dtype, l.shape)),
      output: outputs.map((name) => {
        const n = graph.nodes[graph.outputs[name]];
        return valueInfo(name, n.dtype, n.shape);
      }),
    },
  };
}

export const valueInfo = (name: string, dtype: DType, shape: Shape): P.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType: elemType(dtype), shape: { dim: shape.map((d) => ({ dimValue: d })) } } },
});

/** Emits the ONNX nodes computing IR `node` from the values `x`; returns the name of its result. */
function lowerNode(w: OnnxWriter, node: IrNode, x: readonly string[], graph: IrGraph): string {
  const op = node.op;
  const out = `t${node.id}`;
  const rank = (i: number): number => graph.nodes[node.inputs[i]].shape.length;
  switch (op.type) {
    case 'input':
    case 'param':
      return op.name;
    case 'const':
      return w.constant('float32', [], [op.value]);
    case 'zeros':
      // ConstantOfShape's default value is a float32 zero.
      return w.memo(`zeros:${op.shape.join(',')}`, () => w.node('ConstantOfShape', [w.int64s(op.shape)], {}, out));
    case 'index':
      return w.node('Gather', [x[0], w.constant('int64', [], [op.index])], { axis: 0 }, out);
    case 'stack': {
      const axes0 = w.int64s([0]);
      return w.node('Concat', x.map((v) => w.node('Unsqueeze', [v, axes0])), { axis: 0 }, out);
    }
    case 'reshape':
      return w.node('Reshape', [x[0], w.int64s(op.shape)], { allowzero: 1 }, out);
    case 'expand':
      return w.node('Expand', [x[0], w.int64s(op.shape)], {}, out);
    case 'matmul':
      // Gemm takes the transposes as flags, so MLAS reads the operands in place (no Transpose node).
      return w.node('Gemm', x, { transA: op.transA ? 1 : 0, transB: op.transB ? 1 : 0 }, out);
    case 'add':
      return w.node('Add', x, {}, out);
    case 'sub':
      return w.node('Sub', x, {}, out);
    case 'mul':
      return w.node('Mul', x, {}, out);
    case 'addN':
      return w.node('Sum', x, {}, out);
    case 'neg':
      return w.node('Neg', x, {}, out);
    case 'tanh':
      return w.node('Tanh', x, {}, out);
    case 'sigmoid':
      return w.node('Sigmoid', x, {}, out);
    case 'relu':
      return w.node('Relu', x, {}, out);
    case 'exp':
      return w.node('Exp', x, {}, out);
    case 'log':
      return w.node('Log', x, {}, out);
    case 'softplus':
      // ORT's CPU Softplus is the stable max(x,0) + log1p(e^-|x|) form (checked by the tests at ±50, ±200).
      return w.node('Softplus', x, {}, out);
    case 'heaviside':
      return w.node('Cast', [w.node('Greater', [x[0], w.constant('float32', [], [0])])], { to: TensorType.FLOAT }, out);
    case 'concat':
      return w.node('Concat', x, { axis: op.axis }, out);
    case 'slice':
      return w.node('Slice', [x[0], w.int64s([op.start]), w.int64s([op.end]), w.int64s([op.axis])], {}, out);
    case 'pad': {
      const pads = new Array<number>(2 * rank(0)).fill(0);
      pads[op.axis] = op.before;
      pads[rank(0) + op.axis] = op.after;
      return w.node('Pad', [x[0], w.int64s(pads)], {}, out);
    }
    case 'reduceSum':
      // ONNX reads empty axes as "all axes"; the IR reads them as "none".
      if (op.axes.length === 0) return w.node('Identity', x, {}, out);
      return w.node('ReduceSum', [x[0], w.int64s(op.axes)], { keepdims: op.keepDims ? 1 : 0 }, out);
    case 'logSoftmax':
      return w.node('LogSoftmax', x, { axis: -1 }, out);
    case 'softmax':
      return w.node('Softmax', x, { axis: -1 }, out);
    case 'oneHot': {
      // ids[..., 1] == [0, 1, …, depth-1]: an id outside [0, depth) matches nothing, so its row is zero.
      // (ONNX OneHot would wrap a negative id around to depth + id.)
      const classes = w.constant('int32', [op.depth], Array.from({ length: op.depth }, (_, i) => i));
      const ids = w.node('Unsqueeze', [x[0], w.int64s([-1])]);
      return w.node('Cast', [w.node('Equal', [ids, classes])], { to: TensorType.FLOAT }, out);
    }
    default:
      return assertNever(op, 'IR op');
  }
}

/** Accumulates ONNX nodes and deduplicated initializers under unique value names. */
class OnnxWriter {
  readonly nodes: P.INodeProto[] = [];
  readonly initializers: P.ITensorProto[] = [];
  private readonly used = new Map<string, string>();
  private readonly memos = new Map<string, string>();

  /** Claims a user-visible name; throws if something else already has it. */
  reserve(name: string, what: string): void {
    const other = this.used.get(name);
    if (other !== undefined) throw new Error(`ONNX export: ${what} has the same name as ${other}; ONNX values need distinct names`);
    this.used.set(name, what);
  }

  /** Appends a node with integer attributes; returns its output's name. */
  node(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, number>> = {}, name = opType.toLowerCase()): string {
    const output = this.fresh(name);
    const attribute = Object.entries(attrs).map(([n, i]): P.IAttributeProto => ({ name: n, type: onnx.AttributeProto.AttributeType.INT, i }));
    this.nodes.push({ opType, input: [...inputs], output: [output], name: output, attribute });
    return output;
  }

  /** Copies `value` to the reserved graph output `name` (two outputs may share one IR node). */
  output(name: string, value: string): void {
    this.nodes.push({ opType: 'Identity', input: [value], output: [name], name: `output ${name}` });
  }

  /** A constant initializer, shared by every use of the same dtype, shape and values. */
  constant(type: ElemType, shape: Shape, values: readonly number[]): string {
    if (values.length !== sizeOf(shape)) throw new Error(`constant of shape [${shape.join(', ')}] needs ${sizeOf(shape)} values, got ${values.length}`);
    const data = type === 'float32' ? new Float32Array(values) : type === 'int32' ? new Int32Array(values) : BigInt64Array.from(values, BigInt);
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return this.memo(`${type}[${shape.join(',')}]${Buffer.from(rawData).toString('base64')}`, () => {
      const name = this.fresh(`c_${type}`);
      this.initializers.push({ name, dataType: elemType(type), dims: [...shape], rawData });
      return name;
    });
  }

  /** A 1-D int64 initializer (shapes, axes, pads, slice bounds). */
  int64s(values: readonly number[]): string {
    return this.constant('int64', [values.length], values);
  }

  /** Returns the value made by `make` the first time `key` was seen. */
  memo(key: string, make: () => string): string {
    let name = this.memos.get(key);
    if (name === undefined) {
      name = make();
      this.memos.set(key, name);
    }
    return name;
  }

  private fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.set(name, 'an internal value');
    return name;
  }
}
