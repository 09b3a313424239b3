/**
 * The ONNX Runtime executor: emits an IR graph as an ONNX model, compiles it into an
 * InferenceSession and runs it on the CPU in float32.
 *
 * onnxruntime-node is a native add-on; it is imported dynamically so that a machine where it
 * fails to load still runs the app on the reference executor, with the reason shown.
 */
import { availableParallelism } from 'node:os';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import type { IrGraph } from '../../ir/types.ts';
import { checkTensor, leavesOf } from '../tensors.ts';
import type { Device, Executor, ExecutorInfo, Outputs, PrepareOptions, Program, TensorSpec, Tensors } from '../types.ts';
import { irToOnnx } from './emit.ts';

export type Ort = typeof import('onnxruntime-node');
export type OrtLoad = { ok: true; ort: Ort } | { ok: false; reason: string };

let loading: Promise<OrtLoad> | undefined;

/** Imports onnxruntime-node once; never throws (a native load failure comes back as `reason`). */
export function loadOnnxRuntime(): Promise<OrtLoad> {
  loading ??= import('onnxruntime-node').then(
    (ort): OrtLoad => ({ ok: true, ort }),
    (err: unknown): OrtLoad => ({ ok: false, reason: `onnxruntime-node could not be loaded: ${err instanceof Error ? err.message : String(err)}` }),
  );
  return loading;
}

/** Wraps a checked tensor for ONNX Runtime; the ORT tensor shares the array's memory. */
function ortTensor(ort: Ort, spec: TensorSpec, tensors: Tensors): OrtTensor {
  const t = checkTensor(spec, tensors[spec.name]);
  return new ort.Tensor(t.dtype, t.data, [...t.shape]);
}

/** A compiled session and what it reads. Bound tensors are wrapped once and reused by every run. */
class OrtProgram implements Program {
  private readonly bound = new Map<string, OrtTensor>();
  private released = false;

  constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly name: string,
    readonly inputs: readonly TensorSpec[],
    readonly outputs: readonly string[],
    private readonly forget: (p: OrtProgram) => void,
  ) {}

  bind(tensors: Tensors): void {
    for (const spec of this.inputs) if (spec.name in tensors) this.bound.set(spec.name, ortTensor(this.ort, spec, tensors));
  }

  async run(feeds: Tensors, outputs?: readonly string[]): Promise<Outputs> {
    if (this.released) throw new Error(`program '${this.name}' was disposed`);
    const fetches = outputs ?? this.outputs;
    for (const name of fetches)
      if (!this.outputs.includes(name)) throw new Error(`program '${this.name}' does not compute output '${name}' (it computes ${this.outputs.join(', ')})`);
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const spec of this.inputs) {
      const bound = spec.name in feeds ? undefined : this.bound.get(spec.name);
      ortFeeds[spec.name] = bound ?? ortTensor(this.ort, spec, feeds);
    }
    const results = await this.session.run(ortFeeds, [...fetches]);
    return Object.fromEntries(
      fetches.map((name) => {
        const t = results[name];
        const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as Int32Array);
        return [name, { dtype: 'float32', shape: [...t.dims], data }];
      }),
    );
  }

  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.bound.clear();
    this.forget(this);
    await this.session.release();
  }
}

export class OrtExecutor implements Executor {
  readonly devices: readonly Device[];
  private readonly programs = new Set<OrtProgram>();

  private constructor(
    private readonly ort: Ort,
    private readonly threads: number,
  ) {
    this.devices = [{ id: 'cpu', label: `CPU, ${threads} thread${threads === 1 ? '' : 's'}` }];
  }

  /** Loads ONNX Runtime; throws an Error carrying the load failure when it cannot. */
  static async create(opts: { threads?: number } = {}): Promise<OrtExecutor> {
    const loaded = await loadOnnxRuntime();
    if (!loaded.ok) throw new Error(loaded.reason);
    const threads = opts.threads ?? availableParallelism();
    if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`OrtExecutor: threads must be a positive integer, got ${threads}`);
    return new OrtExecutor(loaded.ort, threads);
  }

  describe(): ExecutorInfo {
    return { name: 'onnxruntime-cpu', device: this.devices[0].label, version: this.ort.env.versions.common };
  }

  async prepare(graph: IrGraph, options: PrepareOptions = {}): Promise<Program> {
    if (options.device !== undefined && !this.devices.some((d) => d.id === options.device))
      throw new Error(`onnxruntime-cpu has no device '${options.device}' (it has ${this.devices.map((d) => d.id).join(', ')})`);
    const outputs = [...(options.outputs ?? Object.keys(graph.outputs))];
    const name = options.name ?? 'rnn_studio';
    const inputs = leavesOf(graph, outputs);
    const session = await this.ort.InferenceSession.create(irToOnnx(graph, { name, outputs }), {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: this.threads,
      executionMode: 'sequential',
    });
    const program = new OrtProgram(this.ort, session, name, inputs, outputs, (p) => this.programs.delete(p));
    this.programs.add(program);
    return program;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.programs].map((p) => p.dispose()));
  }
}
