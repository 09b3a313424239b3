/** Builds IR graphs node by node, inferring each node's shape from the op table. */
import { type GradBuilder, ShapeError, inferShape } from './ops.ts';
import type { DType, IrGraph, IrNode, IrOp, NodeId, Origin, Phase, Shape } from './types.ts';

export class IrBuilder implements GradBuilder {
  readonly nodes: IrNode[] = [];
  origin: Origin = { block: '', t: null };
  phase: Phase = 'forward';
  private readonly leaves = new Map<string, NodeId>();
  private readonly consts = new Map<string, NodeId>();

  /** Appends a node computed by `op` from `inputs`. Throws ShapeError naming the op and shapes. */
  emit(op: IrOp, inputs: readonly NodeId[]): NodeId {
    if (op.type === 'input' || op.type === 'param') throw new Error(`use ${op.type}() to declare a ${op.type}`);
    if (op.type === 'const') {
      // One constant per (phase, block, step), so every node keeps the origin of its own use.
      const key = `${this.phase}:${this.origin.block}:${this.origin.t}:${Object.is(op.value, -0) ? '-0' : op.value}`;
      const known = this.consts.get(key);
      if (known !== undefined) return known;
      const id = this.push(op, inputs, { shape: [], dtype: 'float32' });
      this.consts.set(key, id);
      return id;
    }
    const typed = inferShape(op, inputs.map((i) => this.node(i)));
    return this.push(op, inputs, typed);
  }

  /** Declares (once) the data input `name`. */
  input(name: string, shape: Shape, dtype: DType = 'float32'): NodeId {
    return this.leaf({ type: 'input', name }, shape, dtype);
  }

  /** Declares (once) the trainable weight `name`. */
  param(name: string, shape: Shape): NodeId {
    return this.leaf({ type: 'param', name }, shape, 'float32');
  }

  shape(id: NodeId): Shape {
    return this.node(id).shape;
  }

  node(id: NodeId): IrNode {
    const n = this.nodes[id];
    if (!n) throw new Error(`no IR node ${id}`);
    return n;
  }

  /** Runs `f` with nodes attributed to `origin`. */
  at<R>(origin: Origin, f: () => R): R {
    const saved = this.origin;
    this.origin = origin;
    try {
      return f();
    } finally {
      this.origin = saved;
    }
  }

  finish(outputs: Record<string, NodeId>): IrGraph {
    return { nodes: [...this.nodes], outputs: { ...outputs } };
  }

  private leaf(op: IrOp & { name: string }, shape: Shape, dtype: DType): NodeId {
    // Inputs and params share one namespace: both are fed by name.
    const key = op.name;
    const known = this.leaves.get(key);
    if (known !== undefined) {
      const n = this.node(known);
      if (n.op.type !== op.type) throw new ShapeError(`'${op.name}' is declared both as an input and as a param`);
      if (n.shape.join() !== shape.join() || n.dtype !== dtype)
        throw new ShapeError(`${op.type} '${op.name}' declared as ${n.dtype}[${n.shape.join(', ')}] and again as ${dtype}[${shape.join(', ')}]`);
      return known;
    }
    const id = this.push(op, [], { shape, dtype });
    this.leaves.set(key, id);
    return id;
  }

  private push(op: IrOp, inputs: readonly NodeId[], typed: { shape: Shape; dtype: DType }): NodeId {
    const id = this.nodes.length;
    this.nodes.push({ id, op, inputs: [...inputs], shape: typed.shape, dtype: typed.dtype, origin: this.origin, phase: this.phase });
    return id;
  }
}
