/**
 * The float64 reference interpreter: runs any IR graph with plain loops in double precision.
 * It is the oracle the tests check everything else against (finite differences, ONNX Runtime).
 */
import { forwardOf } from '../ir/ops.ts';
import { type Tensor64, tensor } from '../ir/tensor64.ts';
import { type IrGraph, fmtShape, shapeEq } from '../ir/types.ts';
import { checkTensor, leavesOf } from './tensors.ts';
import type { Device, Executor, ExecutorInfo, Outputs, PrepareOptions, Program, TensorSpec, Tensors } from './types.ts';

export type Feeds64 = Readonly<Record<string, Tensor64>>;

/**
 * Evaluates `outputs` (default: all of the graph's outputs). `feeds` holds every input and param by
 * name. Throws naming the missing or mis-shaped feed.
 */
export function runReference(g: IrGraph, feeds: Feeds64, outputs: readonly string[] = Object.keys(g.outputs)): Record<string, Tensor64> {
  const values: (Tensor64 | undefined)[] = new Array(g.nodes.length);
  // Only what the requested outputs need: the same feeds suffice here as for ONNX Runtime.
  const live = new Array<boolean>(g.nodes.length).fill(false);
  for (const name of outputs) {
    const id = g.outputs[name];
    if (id === undefined) throw new Error(`the graph has no output '${name}'`);
    live[id] = true;
  }
  for (let i = g.nodes.length - 1; i >= 0; i--) if (live[i]) for (const x of g.nodes[i].inputs) live[x] = true;
  for (const n of g.nodes) {
    if (!live[n.id]) continue;
    if (n.op.type === 'input' || n.op.type === 'param') {
      const fed = feeds[n.op.name];
      if (!fed) throw new Error(`missing ${n.op.type} '${n.op.name}' (${fmtShape(n.shape)})`);
      if (!shapeEq(fed.shape, n.shape)) throw new Error(`${n.op.type} '${n.op.name}' should be ${fmtShape(n.shape)}, got ${fmtShape(fed.shape)}`);
      values[n.id] = fed;
      continue;
    }
    values[n.id] = forwardOf(n.op, n.inputs.map((x) => values[x]!));
  }
  return Object.fromEntries(
    outputs.map((name) => {
      const value = values[g.outputs[name]];
      if (!value) throw new Error(`internal: output '${name}' was not computed`);
      return [name, value];
    }),
  );
}

/** A graph and the outputs to evaluate; nothing is compiled, so there is nothing to release. */
class ReferenceProgram implements Program {
  private readonly bound = new Map<string, Tensor64>();

  constructor(
    private readonly graph: IrGraph,
    readonly name: string,
    readonly inputs: readonly TensorSpec[],
    readonly outputs: readonly string[],
  ) {}

  bind(tensors: Tensors): void {
    for (const spec of this.inputs) if (spec.name in tensors) this.bound.set(spec.name, to64(spec, tensors));
  }

  async run(feeds: Tensors, outputs: readonly string[] = this.outputs): Promise<Outputs> {
    for (const name of outputs)
      if (!this.outputs.includes(name)) throw new Error(`program '${this.name}' does not compute output '${name}' (it computes ${this.outputs.join(', ')})`);
    const feeds64: Record<string, Tensor64> = {};
    for (const spec of this.inputs) {
      const bound = spec.name in feeds ? undefined : this.bound.get(spec.name);
      feeds64[spec.name] = bound ?? to64(spec, feeds);
    }
    const result = runReference(this.graph, feeds64, outputs);
    return Object.fromEntries(Object.entries(result).map(([k, t]) => [k, { dtype: 'float32', shape: [...t.shape], data: Float32Array.from(t.data) }]));
  }

  async dispose(): Promise<void> {}
}

const to64 = (spec: TensorSpec, tensors: Tensors): Tensor64 => {
  const t = checkTensor(spec, tensors[spec.name]);
  return tensor(t.shape, t.data);
};

/** The float64 interpreter behind the Executor interface: exact, and slow. */
export class ReferenceExecutor implements Executor {
  readonly devices: readonly Device[] = [{ id: 'cpu', label: 'CPU, one thread, float64' }];

  describe(): ExecutorInfo {
    return { name: 'reference-float64', device: this.devices[0].label, version: '1' };
  }

  async prepare(graph: IrGraph, options: PrepareOptions = {}): Promise<Program> {
    if (options.device !== undefined && options.device !== 'cpu') throw new Error(`reference-float64 has no device '${options.device}' (it has cpu)`);
    const outputs = [...(options.outputs ?? Object.keys(graph.outputs))];
    return new ReferenceProgram(graph, options.name ?? 'reference', leavesOf(graph, outputs), outputs);
  }

  async dispose(): Promise<void> {}
}
