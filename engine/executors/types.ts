/**
 * The executor interface: an executor prepares an IR graph once for the outputs wanted and a
 * device, and the prepared program then runs as often as needed. Whoever prepares a program holds
 * it (and disposes of it); nobody keys sessions by strings.
 *
 * Tensors are typed (dtype, shape, typed array), laid out row-major with the IR's shapes
 * (sequences time-major, [T, B, …]). A program may keep tensors on its device between runs: what
 * is `bind`-ed stays with it (a GPU executor uploads it once), and each run feeds only what
 * changes. The interface says nothing about how a program computes, so an executor that runs a
 * long sequence as repeated fixed-size pieces fits behind it unchanged.
 */
import type { DType, IrGraph, Shape } from '../ir/types.ts';

export type FloatTensor = { readonly dtype: 'float32'; readonly shape: Shape; readonly data: Float32Array };
export type IntTensor = { readonly dtype: 'int32'; readonly shape: Shape; readonly data: Int32Array };
/** float32 for values, int32 for token ids. `data` holds exactly the shape's number of elements. */
export type Tensor = FloatTensor | IntTensor;
export type Tensors = Readonly<Record<string, Tensor>>;
/** What a run returns, by output name. int32 outputs (a slice of token ids) come back as float32. */
export type Outputs = Readonly<Record<string, FloatTensor>>;

export const float32 = (shape: Shape, data: Float32Array): FloatTensor => ({ dtype: 'float32', shape, data });
export const int32 = (shape: Shape, data: Int32Array): IntTensor => ({ dtype: 'int32', shape, data });
/** A tensor whose dtype is that of its array. */
export const tensorOf = (shape: Shape, data: Float32Array | Int32Array): Tensor => (data instanceof Float32Array ? float32(shape, data) : int32(shape, data));

/** An IR input or param a program reads. */
export interface TensorSpec {
  readonly kind: 'input' | 'param';
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
}

/** Where an executor can run a program. */
export interface Device {
  /** Stable, for `PrepareOptions.device` ('cpu', …). */
  readonly id: string;
  /** For people: 'CPU, 8 threads'. */
  readonly label: string;
}

export interface ExecutorInfo {
  readonly name: string;
  /** The device in use, for people. */
  readonly device: string;
  readonly version: string;
}

export interface PrepareOptions {
  /** The graph outputs the program computes; all of the graph's when absent. */
  readonly outputs?: readonly string[];
  /** One of the executor's `devices` by id; its first when absent. */
  readonly device?: string;
  /** What errors and profiles call the program (an ONNX model's name): the pass, T and B, say. */
  readonly name?: string;
}

export interface Program {
  readonly name: string;
  /** The graph's inputs and params its outputs depend on: each must be bound or fed to every run. */
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly string[];
  /**
   * Keeps `tensors` with the program for every later run (weights that stay put). A device
   * executor copies them now: after changing an array in place, bind it again. Binding a name again
   * replaces it; names the program does not read are ignored. Throws, naming the tensor, for a
   * dtype or shape that is not the graph's.
   */
  bind(tensors: Tensors): void;
  /**
   * Runs the program and returns `outputs` (default: all it computes). `feeds` and what is bound
   * must cover `inputs`; a feed replaces a bound tensor of the same name for this run; names the
   * program does not read are ignored. Throws an Error naming a missing or mis-typed/mis-shaped
   * tensor, or an output the program does not compute.
   */
  run(feeds: Tensors, outputs?: readonly string[]): Promise<Outputs>;
  /** Releases what the program holds (sessions, device memory). It cannot run afterwards. */
  dispose(): Promise<void>;
}

export interface Executor {
  describe(): ExecutorInfo;
  /** The devices it can prepare for, the default first. */
  readonly devices: readonly Device[];
  /**
   * Compiles `graph` for `options.outputs` on `options.device`. Throws for an output the graph
   * does not have, a device the executor does not offer, or a graph the executor cannot compile.
   */
  prepare(graph: IrGraph, options?: PrepareOptions): Promise<Program>;
  /** Releases every program it prepared that is still held. */
  dispose(): Promise<void>;
}
