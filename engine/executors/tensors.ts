/**
 * What every executor needs around its tensors: which inputs and params a set of outputs reads,
 * the check that a tensor is what the graph expects, and conversion from the float64 reference
 * tensors the tests build.
 */
import type { Tensor64 } from '../ir/tensor64.ts';
import { type DType, type IrGraph, fmtShape, shapeEq, sizeOf } from '../ir/types.ts';
import { float32, int32, type Tensor, type TensorSpec } from './types.ts';

/** live[id]: node `id` is needed for `outputs`. Throws for an output the graph does not have. */
export function liveNodes(graph: IrGraph, outputs: readonly string[]): boolean[] {
  const live = new Array<boolean>(graph.nodes.length).fill(false);
  for (const name of outputs) {
    const id = graph.outputs[name];
    if (id === undefined) throw new Error(`the graph has no output '${name}'`);
    live[id] = true;
  }
  for (let i = graph.nodes.length - 1; i >= 0; i--) if (live[i]) for (const x of graph.nodes[i].inputs) live[x] = true;
  return live;
}

/** The IR inputs and params that `outputs` (default: all) depend on, in graph order. */
export function leavesOf(graph: IrGraph, outputs: readonly string[] = Object.keys(graph.outputs)): TensorSpec[] {
  const live = liveNodes(graph, outputs);
  return graph.nodes.flatMap((n) =>
    live[n.id] && (n.op.type === 'input' || n.op.type === 'param') ? [{ kind: n.op.type, name: n.op.name, shape: n.shape, dtype: n.dtype }] : [],
  );
}

/** Returns `tensor` when it has the dtype, shape and size `spec` asks for; throws naming it otherwise. */
export function checkTensor(spec: TensorSpec, tensor: Tensor | undefined): Tensor {
  const what = `${spec.kind} '${spec.name}'`;
  const expected = `${spec.dtype}${fmtShape(spec.shape)}`;
  if (!tensor) throw new Error(`missing ${what} (expected ${expected})`);
  const dtype = tensor.data instanceof Float32Array ? 'float32' : tensor.data instanceof Int32Array ? 'int32' : 'an unsupported array';
  if (dtype !== tensor.dtype) throw new Error(`${what} is tagged ${tensor.dtype} but holds ${dtype} data`);
  if (dtype !== spec.dtype || !shapeEq(tensor.shape, spec.shape)) throw new Error(`${what} should be ${expected}, got ${dtype}${fmtShape(tensor.shape)}`);
  if (tensor.data.length !== sizeOf(tensor.shape))
    throw new Error(`${what}: shape ${fmtShape(tensor.shape)} holds ${sizeOf(tensor.shape)} values, but ${tensor.data.length} were given`);
  return tensor;
}

/** Converts a float64 reference tensor to a tensor of `dtype` (int32 ids must be integral). */
export function tensorFrom64(t: Tensor64, dtype: DType): Tensor {
  if (dtype === 'float32') return float32(t.shape, Float32Array.from(t.data));
  t.data.forEach((v, i) => {
    if (!Number.isInteger(v)) throw new Error(`tensorFrom64: int32 value ${i} is ${v}, not an integer`);
  });
  return int32(t.shape, Int32Array.from(t.data));
}

/** Converts reference tensors to executor tensors, taking each dtype from the graph's inputs and params. */
export function tensorsFrom64(graph: IrGraph, tensors: Readonly<Record<string, Tensor64>>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const n of graph.nodes) {
    if ((n.op.type === 'input' || n.op.type === 'param') && tensors[n.op.name]) out[n.op.name] = tensorFrom64(tensors[n.op.name], n.dtype);
  }
  return out;
}
