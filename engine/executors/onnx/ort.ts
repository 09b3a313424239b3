/**
 * The ONNX Runtime executor: emits IR graphs as ONNX models, compiles each once into an
 * InferenceSession (cached under a key the caller chooses) and runs it on the CPU in float32.
 *
 * onnxruntime-node is a native add-on; it is imported dynamically so that a machine where it
 * fails to load still runs the app on the reference executor, with the reason shown.
 */
import { availableParallelism } from 'node:os';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Tensor64 } from '../../ir/tensor64.ts';
import { type DType, type IrGraph, type Shape, fmtShape, shapeEq, sizeOf } from '../../ir/types.ts';
import { type OnnxLeaf, irToOnnx, onnxLeaves } from './emit.ts';

export type Ort = typeof import('onnxruntime-node');
export type OrtLoad = { ok: true; ort: Ort } | { ok: false; reason: string };

/** A value fed to a session: float32 for float inputs and params, int32 for token ids. */
export interface Feed {
  readonly shape: Shape;
  readonly data: Float32Array | Int32Array;
}
export type Feeds = Readonly<Record<string, Feed>>;

/** A computed output. int32 outputs (e.g. a slice of token ids) are converted to float32. */
export interface OrtOutput {
  shape: number[];
  data: Float32Array;
}

let loading: Promise<OrtLoad> | undefined;

/** Imports onnxruntime-node once; never throws (a native load failure comes back as `reason`). */
export function loadOnnxRuntime(): Promise<OrtLoad> {
  loading ??= import('onnxruntime-node').then(
    (ort): OrtLoad => ({ ok: true, ort }),
    (err: unknown): OrtLoad => ({ ok: false, reason: `onnxruntime-node could not be loaded: ${err instanceof Error ? err.message : String(err)}` }),
  );
  return loading;
}

/** A compiled graph: the ORT session and what it must be fed and can return. */
export interface OrtSession {
  readonly key: string;
  readonly session: InferenceSession;
  /** The IR inputs and params the session's outputs depend on; each must be fed. */
  readonly leaves: readonly OnnxLeaf[];
  readonly outputs: readonly string[];
}

export class OrtExecutor {
  readonly name = 'onnxruntime-cpu';
  private readonly sessions = new Map<string, Promise<OrtSession>>();

  private constructor(
    private readonly ort: Ort,
    private readonly threads: number,
  ) {}

  /** Loads ONNX Runtime; throws an Error carrying the load failure when it cannot. */
  static async create(opts: { threads?: number } = {}): Promise<OrtExecutor> {
    const loaded = await loadOnnxRuntime();
    if (!loaded.ok) throw new Error(loaded.reason);
    const threads = opts.threads ?? availableParallelism();
    if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`OrtExecutor: threads must be a positive integer, got ${threads}`);
    return new OrtExecutor(loaded.ort, threads);
  }

  describe(): { name: string; device: string; version: string } {
    return { name: this.name, device: `CPU, ${this.threads} thread${this.threads === 1 ? '' : 's'}`, version: this.ort.env.versions.common };
  }

  /**
   * The session computing `outputs` (default: all) of `graph`, compiled on first use of `key`.
   * The key must identify the graph and the outputs (the caller keys by graph hash, T and batch
   * size): a later call with the same key gets the cached session whatever graph it passes.
   */
  session(key: string, graph: IrGraph, outputs?: readonly string[]): Promise<OrtSession> {
    let cached = this.sessions.get(key);
    if (!cached) {
      cached = this.compile(key, graph, outputs ?? Object.keys(graph.outputs));
      this.sessions.set(key, cached);
      // A failed compile is not cached: the next call tries again (and reports again).
      const mine = cached;
      mine.catch(() => this.sessions.get(key) === mine && this.sessions.delete(key));
    }
    return cached;
  }

  /**
   * Runs the session under `key` (compiling `graph` on first use) and returns `outputs`
   * (default: all the session computes). Every input and param the outputs depend on must be
   * in `feeds` with the IR's dtype and shape; throws an Error naming the feed otherwise.
   */
  async run(key: string, graph: IrGraph, feeds: Feeds, outputs?: readonly string[]): Promise<Record<string, OrtOutput>> {
    const s = await this.session(key, graph, outputs);
    const fetches = outputs ?? s.outputs;
    for (const name of fetches) if (!s.outputs.includes(name)) throw new Error(`session '${key}' does not compute output '${name}' (it computes ${s.outputs.join(', ')})`);
    const ortFeeds: Record<string, Tensor> = {};
    for (const leaf of s.leaves) ortFeeds[leaf.name] = this.tensorFor(leaf, feeds[leaf.name]);
    const results = await s.session.run(ortFeeds, [...fetches]);
    return Object.fromEntries(
      fetches.map((name) => {
        const t = results[name] as Tensor;
        const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as Int32Array);
        return [name, { shape: [...t.dims], data }];
      }),
    );
  }

  /** Releases every cached session. */
  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.session.release()));
  }

  private async compile(key: string, graph: IrGraph, outputs: readonly string[]): Promise<OrtSession> {
    const model = irToOnnx(graph, { name: key, outputs });
    const session = await this.ort.InferenceSession.create(model, {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: this.threads,
      executionMode: 'sequential',
    });
    return { key, session, leaves: onnxLeaves(graph, outputs), outputs: [...outputs] };
  }

  private tensorFor(leaf: OnnxLeaf, feed: Feed | undefined): Tensor {
    const what = `${leaf.kind} '${leaf.name}'`;
    const expected = `${leaf.dtype}${fmtShape(leaf.shape)}`;
    if (!feed) throw new Error(`missing ${what} (expected ${expected})`);
    const dtype = feed.data instanceof Float32Array ? 'float32' : feed.data instanceof Int32Array ? 'int32' : 'an unsupported array';
    if (dtype !== leaf.dtype || !shapeEq(feed.shape, leaf.shape))
      throw new Error(`${what} should be ${expected}, got ${dtype}${fmtShape(feed.shape)}`);
    if (feed.data.length !== sizeOf(feed.shape))
      throw new Error(`${what}: shape ${fmtShape(feed.shape)} holds ${sizeOf(feed.shape)} values, but ${feed.data.length} were given`);
    return new this.ort.Tensor(leaf.dtype, feed.data, [...feed.shape]);
  }
}

/** Converts a float64 reference tensor to a feed of `dtype` (int32 ids must be integral). */
export function feedFrom64(t: Tensor64, dtype: DType): Feed {
  if (dtype === 'float32') return { shape: t.shape, data: Float32Array.from(t.data) };
  t.data.forEach((v, i) => {
    if (!Number.isInteger(v)) throw new Error(`feedFrom64: int32 value ${i} is ${v}, not an integer`);
  });
  return { shape: t.shape, data: Int32Array.from(t.data) };
}

/** Converts reference feeds to ORT feeds, taking each dtype from the graph's inputs and params. */
export function feedsFrom64(graph: IrGraph, feeds: Readonly<Record<string, Tensor64>>): Record<string, Feed> {
  const out: Record<string, Feed> = {};
  for (const n of graph.nodes) {
    if ((n.op.type === 'input' || n.op.type === 'param') && feeds[n.op.name]) out[n.op.name] = feedFrom64(feeds[n.op.name], n.dtype);
  }
  return out;
}
