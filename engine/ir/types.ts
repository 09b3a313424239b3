/**
 * The IR: a closed set of primitive tensor ops over concrete shapes.
 *
 * A forward IR is the cell graph unrolled over T steps; the train-step IR adds the reverse-mode
 * gradient nodes (BPTT made explicit). Every node remembers the block and the time step it came
 * from so the UI can draw the unrolled graph and map any node back to a block on the canvas.
 */

/** Concrete dimensions; `[]` is a scalar. */
export type Shape = readonly number[];
export type DType = 'float32' | 'int32';
export type NodeId = number;

export type IrOp =
  /** Data fed at run time (sequences are time-major: [T, B, F], or [T, B] token ids). */
  | { type: 'input'; name: string }
  /** A trainable weight, fed at run time. */
  | { type: 'param'; name: string }
  /** A scalar constant; broadcasts in elementwise ops. */
  | { type: 'const'; value: number }
  /** A tensor of zeros (initial states). */
  | { type: 'zeros'; shape: Shape }
  /** x[index] along axis 0, that axis removed: [T, ...] -> [...]. */
  | { type: 'index'; index: number }
  /** Stack n tensors of one shape along a new axis 0: n × [...] -> [n, ...]. */
  | { type: 'stack' }
  | { type: 'reshape'; shape: Shape }
  /** Broadcast to a larger shape (numpy rules). */
  | { type: 'expand'; shape: Shape }
  /** 2-D matrix product with optional transposes: op(A)[M,K] · op(B)[K,N] -> [M,N]. */
  | { type: 'matmul'; transA: boolean; transB: boolean }
  /** Elementwise, numpy broadcasting. */
  | { type: 'add' }
  | { type: 'sub' }
  | { type: 'mul' }
  /** Sum of n tensors of one shape. */
  | { type: 'addN' }
  | { type: 'neg' }
  | { type: 'tanh' }
  | { type: 'sigmoid' }
  | { type: 'relu' }
  | { type: 'exp' }
  | { type: 'log' }
  /** log(1 + e^x), computed stably. */
  | { type: 'softplus' }
  /** 1 where x > 0 else 0; its gradient is zero. */
  | { type: 'heaviside' }
  | { type: 'concat'; axis: number }
  /** x[start:end] along axis. */
  | { type: 'slice'; axis: number; start: number; end: number }
  /** Zero padding along one axis. */
  | { type: 'pad'; axis: number; before: number; after: number }
  | { type: 'reduceSum'; axes: readonly number[]; keepDims: boolean }
  /** Over the last axis. */
  | { type: 'logSoftmax' }
  | { type: 'softmax' }
  /** int32 ids [...] -> float one-hot [..., depth]; an id outside [0, depth) gives a zero row. */
  | { type: 'oneHot'; depth: number };

export type OpType = IrOp['type'];
export type OpOf<T extends OpType> = Extract<IrOp, { type: T }>;

/** Where a node came from: the block the user placed and the time step (null: outside time). */
export interface Origin {
  readonly block: string;
  readonly t: number | null;
}

export type Phase = 'forward' | 'backward';

export interface IrNode {
  readonly id: NodeId;
  readonly op: IrOp;
  readonly inputs: readonly NodeId[];
  readonly shape: Shape;
  readonly dtype: DType;
  readonly origin: Origin;
  readonly phase: Phase;
}

/** A graph whose nodes are in topological order (every input id is smaller than its user's). */
export interface IrGraph {
  readonly nodes: readonly IrNode[];
  /** Named results: 'loss', 'grad:<param>', 'out:<block>', 'final:<delay>', … */
  readonly outputs: Readonly<Record<string, NodeId>>;
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(x)}`);
}

export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);
export const shapeEq = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
export const fmtShape = (s: Shape): string => `[${s.join(', ')}]`;
