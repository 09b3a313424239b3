/**
 * The op table: for every IR op, its shape rule, its float64 forward and its gradient rule,
 * side by side. Gradient rules build IR (they do not compute numbers), so the backward pass is
 * a graph the UI can show and any executor can run.
 */
import * as k from './tensor64.ts';
import type { Tensor64 } from './tensor64.ts';
import { type DType, type IrOp, type NodeId, type OpOf, type OpType, type Shape, fmtShape, shapeEq, sizeOf } from './types.ts';

export interface TypedShape {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** What a gradient rule may use: emit new nodes and read shapes. */
export interface GradBuilder {
  emit(op: IrOp, inputs: readonly NodeId[]): NodeId;
  shape(id: NodeId): Shape;
}

export interface GradContext {
  readonly b: GradBuilder;
  /** The op's inputs. */
  readonly x: readonly NodeId[];
  /** The op's output. */
  readonly y: NodeId;
  /** dLoss/dy. */
  readonly dy: NodeId;
}

interface OpRule<T extends OpType> {
  /** Number of inputs; `null` = one or more. */
  readonly arity: number | null;
  shape(op: OpOf<T>, xs: readonly TypedShape[]): TypedShape;
  forward(op: OpOf<T>, xs: readonly Tensor64[]): Tensor64;
  /** dLoss/dx for each input; null where there is none (integer inputs, zero gradients). */
  grad(op: OpOf<T>, g: GradContext): (NodeId | null)[];
}

export class ShapeError extends Error {}

const f32 = (shape: Shape): TypedShape => ({ shape, dtype: 'float32' });

function needFloat(op: string, xs: readonly TypedShape[]): void {
  xs.forEach((x, i) => {
    if (x.dtype !== 'float32') throw new ShapeError(`${op}: input ${i} must be float32, got ${x.dtype}`);
  });
}

function checkAxis(op: string, axis: number, rank: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new ShapeError(`${op}: axis ${axis} is outside a rank-${rank} tensor`);
}

function checkDims(op: string, shape: Shape): Shape {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new ShapeError(`${op}: dimensions must be non-negative integers, got ${fmtShape(shape)}`);
  return shape;
}

/** Sums a broadcast gradient back down to the shape of the operand it came from. */
export function sumTo(b: GradBuilder, g: NodeId, target: Shape): NodeId {
  const from = b.shape(g);
  if (shapeEq(from, target)) return g;
  const lead = from.length - target.length;
  const axes = from.map((_, i) => i).filter((i) => i < lead || (target[i - lead] === 1 && from[i] !== 1));
  const reduced = axes.length ? b.emit({ type: 'reduceSum', axes, keepDims: true }, [g]) : g;
  return shapeEq(b.shape(reduced), target) ? reduced : b.emit({ type: 'reshape', shape: target }, [reduced]);
}

type Unary = 'neg' | 'tanh' | 'sigmoid' | 'relu' | 'exp' | 'log' | 'softplus';
const elementwise = <T extends Unary>(f: (v: number) => number, grad: (g: GradContext) => NodeId): OpRule<T> => ({
  arity: 1,
  shape: (_op, xs) => (needFloat('elementwise op', xs), f32(xs[0].shape)),
  forward: (_op, [x]) => k.unary(x, f),
  grad: (_op, g) => [grad(g)],
});

const binary = <T extends 'add' | 'sub' | 'mul'>(f: (a: number, b: number) => number, grad: (g: GradContext) => [NodeId, NodeId]): OpRule<T> => ({
  arity: 2,
  shape: (_op, xs) => {
    needFloat('elementwise op', xs);
    try {
      return f32(k.broadcastShapes(xs[0].shape, xs[1].shape));
    } catch {
      throw new ShapeError(`elementwise op: shapes ${fmtShape(xs[0].shape)} and ${fmtShape(xs[1].shape)} do not broadcast`);
    }
  },
  forward: (_op, [a, b]) => k.binary(a, b, f),
  grad: (_op, g) => grad(g).map((d, i) => sumTo(g.b, d, g.b.shape(g.x[i]))),
});

const leaf = <T extends 'input' | 'param'>(): OpRule<T> => ({
  arity: 0,
  shape: () => {
    throw new ShapeError('inputs and params take their shape from the graph, not from a rule');
  },
  forward: () => {
    throw new Error('inputs and params are fed, not computed');
  },
  grad: () => [],
});

const one = (b: GradBuilder): NodeId => b.emit({ type: 'const', value: 1 }, []);

export const OPS: { readonly [T in OpType]: OpRule<T> } = {
  input: leaf<'input'>(),
  param: leaf<'param'>(),
  const: { arity: 0, shape: () => f32([]), forward: (op) => k.tensor([], [op.value]), grad: () => [] },
  zeros: { arity: 0, shape: (op) => f32(checkDims('zeros', op.shape)), forward: (op) => k.tensor(op.shape), grad: () => [] },

  index: {
    arity: 1,
    shape: (op, [x]) => {
      if (x.shape.length < 1 || !Number.isInteger(op.index) || op.index < 0 || op.index >= x.shape[0])
        throw new ShapeError(`index: ${op.index} is outside axis 0 of ${fmtShape(x.shape)}`);
      return { shape: x.shape.slice(1), dtype: x.dtype };
    },
    forward: (op, [x]) => k.index(x, op.index),
    grad: (op, { b, x, dy }) => {
      const [t, ...rest] = b.shape(x[0]);
      const lifted = b.emit({ type: 'reshape', shape: [1, ...rest] }, [dy]);
      return [b.emit({ type: 'pad', axis: 0, before: op.index, after: t - 1 - op.index }, [lifted])];
    },
  },
  stack: {
    arity: null,
    shape: (_op, xs) => {
      xs.forEach((x, i) => {
        if (!shapeEq(x.shape, xs[0].shape) || x.dtype !== xs[0].dtype)
          throw new ShapeError(`stack: input ${i} is ${x.dtype}${fmtShape(x.shape)}, input 0 is ${xs[0].dtype}${fmtShape(xs[0].shape)}`);
      });
      return { shape: [xs.length, ...xs[0].shape], dtype: xs[0].dtype };
    },
    forward: (_op, xs) => k.stack(xs),
    grad: (_op, { b, x, dy }) => x.map((_, i) => b.emit({ type: 'index', index: i }, [dy])),
  },
  reshape: {
    arity: 1,
    shape: (op, [x]) => {
      checkDims('reshape', op.shape);
      if (sizeOf(op.shape) !== sizeOf(x.shape)) throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} to ${fmtShape(op.shape)}`);
      return { shape: op.shape, dtype: x.dtype };
    },
    forward: (op, [x]) => ({ shape: op.shape, data: x.data }),
    grad: (_op, { b, x, dy }) => [b.emit({ type: 'reshape', shape: b.shape(x[0]) }, [dy])],
  },
  expand: {
    arity: 1,
    shape: (op, [x]) => {
      needFloat('expand', [x]);
      let out: Shape;
      try {
        out = k.broadcastShapes(x.shape, op.shape);
      } catch {
        throw new ShapeError(`expand: ${fmtShape(x.shape)} does not broadcast to ${fmtShape(op.shape)}`);
      }
      if (!shapeEq(out, op.shape)) throw new ShapeError(`expand: ${fmtShape(x.shape)} does not broadcast to ${fmtShape(op.shape)}`);
      return f32(out);
    },
    forward: (op, [x]) => k.expand(x, op.shape),
    grad: (_op, { b, x, dy }) => [sumTo(b, dy, b.shape(x[0]))],
  },

  matmul: {
    arity: 2,
    shape: (op, [a, bb]) => {
      needFloat('matmul', [a, bb]);
      if (a.shape.length !== 2 || bb.shape.length !== 2) throw new ShapeError(`matmul: needs 2-D inputs, got ${fmtShape(a.shape)} and ${fmtShape(bb.shape)}`);
      const [m, ka] = op.transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
      const [kb, n] = op.transB ? [bb.shape[1], bb.shape[0]] : [bb.shape[0], bb.shape[1]];
      if (ka !== kb) throw new ShapeError(`matmul: inner sizes differ, ${fmtShape(a.shape)}${op.transA ? 'ᵀ' : ''} · ${fmtShape(bb.shape)}${op.transB ? 'ᵀ' : ''}`);
      return f32([m, n]);
    },
    forward: (op, [a, b]) => k.matmul(a, b, op.transA, op.transB),
    grad: ({ transA, transB }, { b, x: [a, w], dy }) => {
      const mm = (p: NodeId, q: NodeId, tp: boolean, tq: boolean) => b.emit({ type: 'matmul', transA: tp, transB: tq }, [p, q]);
      // Y = op(A)·op(B)  ⇒  d op(A) = dY·op(B)ᵀ,  d op(B) = op(A)ᵀ·dY, transposed back where needed.
      const da = transA ? mm(w, dy, transB, true) : mm(dy, w, false, !transB);
      const dw = transB ? mm(dy, a, true, transA) : mm(a, dy, !transA, false);
      return [da, dw];
    },
  },

  add: binary((a, b) => a + b, ({ dy }) => [dy, dy]),
  sub: binary((a, b) => a - b, ({ b, dy }) => [dy, b.emit({ type: 'neg' }, [dy])]),
  mul: binary(
    (a, b) => a * b,
    ({ b, x, dy }) => [b.emit({ type: 'mul' }, [dy, x[1]]), b.emit({ type: 'mul' }, [dy, x[0]])],
  ),
  addN: {
    arity: null,
    shape: (_op, xs) => {
      needFloat('addN', xs);
      xs.forEach((x, i) => {
        if (!shapeEq(x.shape, xs[0].shape)) throw new ShapeError(`addN: input ${i} is ${fmtShape(x.shape)}, input 0 is ${fmtShape(xs[0].shape)}`);
      });
      return f32(xs[0].shape);
    },
    forward: (_op, xs) => xs.slice(1).reduce((s, x) => k.binary(s, x, (a, b) => a + b), xs[0]),
    grad: (_op, { x, dy }) => x.map(() => dy),
  },

  neg: elementwise((v) => -v, ({ b, dy }) => b.emit({ type: 'neg' }, [dy])),
  tanh: elementwise(Math.tanh, ({ b, y, dy }) => {
    const y2 = b.emit({ type: 'mul' }, [y, y]);
    return b.emit({ type: 'mul' }, [dy, b.emit({ type: 'sub' }, [one(b), y2])]);
  }),
  sigmoid: elementwise(k.sigmoid, ({ b, y, dy }) => {
    const slope = b.emit({ type: 'mul' }, [y, b.emit({ type: 'sub' }, [one(b), y])]);
    return b.emit({ type: 'mul' }, [dy, slope]);
  }),
  relu: elementwise((v) => Math.max(v, 0), ({ b, x, dy }) => b.emit({ type: 'mul' }, [dy, b.emit({ type: 'heaviside' }, [x[0]])])),
  exp: elementwise(Math.exp, ({ b, y, dy }) => b.emit({ type: 'mul' }, [dy, y])),
  // d log x = 1/x = exp(-log x): keeps the op set free of a division.
  log: elementwise(Math.log, ({ b, y, dy }) => b.emit({ type: 'mul' }, [dy, b.emit({ type: 'exp' }, [b.emit({ type: 'neg' }, [y])])])),
  softplus: elementwise(k.softplus, ({ b, x, dy }) => b.emit({ type: 'mul' }, [dy, b.emit({ type: 'sigmoid' }, [x[0]])])),
  heaviside: { arity: 1, shape: (op, xs) => (needFloat(op.type, xs), f32(xs[0].shape)), forward: (_op, [x]) => k.unary(x, (v) => (v > 0 ? 1 : 0)), grad: () => [null] },

  concat: {
    arity: null,
    shape: (op, xs) => {
      needFloat('concat', xs);
      const rank = xs[0].shape.length;
      checkAxis('concat', op.axis, rank);
      xs.forEach((x, i) => {
        if (x.shape.length !== rank || x.shape.some((d, j) => j !== op.axis && d !== xs[0].shape[j]))
          throw new ShapeError(`concat: input ${i} is ${fmtShape(x.shape)}, which does not fit ${fmtShape(xs[0].shape)} along axis ${op.axis}`);
      });
      return f32(xs[0].shape.map((d, j) => (j === op.axis ? xs.reduce((s, x) => s + x.shape[j], 0) : d)));
    },
    forward: (op, xs) => k.concat(xs, op.axis),
    grad: (op, { b, x, dy }) => {
      let start = 0;
      return x.map((xi) => {
        const width = b.shape(xi)[op.axis];
        start += width;
        return b.emit({ type: 'slice', axis: op.axis, start: start - width, end: start }, [dy]);
      });
    },
  },
  slice: {
    arity: 1,
    shape: (op, [x]) => {
      checkAxis('slice', op.axis, x.shape.length);
      if (!(Number.isInteger(op.start) && Number.isInteger(op.end) && 0 <= op.start && op.start < op.end && op.end <= x.shape[op.axis]))
        throw new ShapeError(`slice: [${op.start}, ${op.end}) is outside axis ${op.axis} of ${fmtShape(x.shape)}`);
      return { shape: x.shape.map((d, j) => (j === op.axis ? op.end - op.start : d)), dtype: x.dtype };
    },
    forward: (op, [x]) => k.slice(x, op.axis, op.start, op.end),
    grad: (op, { b, x, dy }) => [b.emit({ type: 'pad', axis: op.axis, before: op.start, after: b.shape(x[0])[op.axis] - op.end }, [dy])],
  },
  pad: {
    arity: 1,
    shape: (op, [x]) => {
      needFloat('pad', [x]);
      checkAxis('pad', op.axis, x.shape.length);
      if (op.before < 0 || op.after < 0) throw new ShapeError(`pad: negative padding ${op.before}, ${op.after}`);
      return f32(x.shape.map((d, j) => (j === op.axis ? d + op.before + op.after : d)));
    },
    forward: (op, [x]) => k.pad(x, op.axis, op.before, op.after),
    grad: (op, { b, x, dy }) => [b.emit({ type: 'slice', axis: op.axis, start: op.before, end: op.before + b.shape(x[0])[op.axis] }, [dy])],
  },
  reduceSum: {
    arity: 1,
    shape: (op, [x]) => {
      needFloat('reduceSum', [x]);
      op.axes.forEach((a) => checkAxis('reduceSum', a, x.shape.length));
      return f32(op.keepDims ? x.shape.map((d, j) => (op.axes.includes(j) ? 1 : d)) : x.shape.filter((_, j) => !op.axes.includes(j)));
    },
    forward: (op, [x]) => k.reduceSum(x, op.axes, op.keepDims),
    grad: (op, { b, x, dy }) => {
      const xs = b.shape(x[0]);
      const kept = op.keepDims ? dy : b.emit({ type: 'reshape', shape: xs.map((d, j) => (op.axes.includes(j) ? 1 : d)) }, [dy]);
      return [b.emit({ type: 'expand', shape: xs }, [kept])];
    },
  },
  logSoftmax: {
    arity: 1,
    shape: (op, [x]) => {
      needFloat(op.type, [x]);
      if (x.shape.length < 1) throw new ShapeError(`${op.type}: needs at least one axis, got a scalar`);
      return f32(x.shape);
    },
    forward: (_op, [x]) => k.logSoftmax(x),
    grad: (_op, { b, y, dy }) => {
      // dx = dy − softmax(x) · Σ dy
      const last = b.shape(y).length - 1;
      const total = b.emit({ type: 'reduceSum', axes: [last], keepDims: true }, [dy]);
      return [b.emit({ type: 'sub' }, [dy, b.emit({ type: 'mul' }, [b.emit({ type: 'exp' }, [y]), total])])];
    },
  },
  softmax: {
    arity: 1,
    shape: (op, [x]) => {
      needFloat(op.type, [x]);
      if (x.shape.length < 1) throw new ShapeError(`${op.type}: needs at least one axis, got a scalar`);
      return f32(x.shape);
    },
    forward: (_op, [x]) => k.softmax(x),
    grad: (_op, { b, y, dy }) => {
      // dx = y · (dy − Σ dy·y)
      const last = b.shape(y).length - 1;
      const dot = b.emit({ type: 'reduceSum', axes: [last], keepDims: true }, [b.emit({ type: 'mul' }, [dy, y])]);
      return [b.emit({ type: 'mul' }, [y, b.emit({ type: 'sub' }, [dy, dot])])];
    },
  },
  oneHot: {
    arity: 1,
    shape: (op, [x]) => {
      if (x.dtype !== 'int32') throw new ShapeError(`oneHot: ids must be int32, got ${x.dtype}`);
      if (!Number.isInteger(op.depth) || op.depth < 1) throw new ShapeError(`oneHot: depth must be a positive integer, got ${op.depth}`);
      return f32([...x.shape, op.depth]);
    },
    forward: (op, [x]) => k.oneHot(x, op.depth),
    grad: () => [null],
  },
};

/** Shape rule of any op, with the arity checked. */
export function inferShape(op: IrOp, xs: readonly TypedShape[]): TypedShape {
  const rule = OPS[op.type] as OpRule<OpType>;
  if (rule.arity === null ? xs.length < 1 : xs.length !== rule.arity)
    throw new ShapeError(`${op.type}: expects ${rule.arity ?? 'one or more'} inputs, got ${xs.length}`);
  return rule.shape(op as never, xs);
}

export const forwardOf = (op: IrOp, xs: readonly Tensor64[]): Tensor64 => (OPS[op.type] as OpRule<OpType>).forward(op as never, xs);
export const gradOf = (op: IrOp, g: GradContext): (NodeId | null)[] => (OPS[op.type] as OpRule<OpType>).grad(op as never, g);
