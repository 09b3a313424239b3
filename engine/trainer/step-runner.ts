/**
 * Runs the compiled graph on one batch. A run is the train step (loss, predictions and every
 * weight's gradient) or the forward pass alone (validation; the early chunks of a per-example
 * target, which only carry state). It covers the whole sequence, or one window of it for
 * truncated BPTT: then the graph is compiled stateful, each delay starts from a 'state:<delay>'
 * input and reports 'final:<delay>', and no gradient crosses the window's start. A run may also
 * return ∂loss/∂h_t of every recurrent state ('gradState:<delay>').
 *
 * Each variant (steps, batch size, stateful, with state gradients) is compiled once, in slices
 * that give the event loop back, and each of its passes prepared on the executor once, on first
 * use; the runner holds the programs and releases them in `dispose`.
 */
import type { Budgets } from '../compiler/budgets.ts';
import { type Compiled, compileWork } from '../compiler/compile.ts';
import type { Dataset } from '../datasets/types.ts';
import { type Executor, float32, type FloatTensor, type Outputs, type Program, type Tensor } from '../executors/index.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { Random } from '../datasets/random.ts';
import type { Weights } from '../model/init.ts';
import { batchFeed, streamTypes, type TimeWindow } from './batches.ts';
import { drive, type DriveOptions } from './drive.ts';

export interface RunSpec {
  readonly pass: 'train' | 'forward';
  /** The example indices of the batch (B = rows.length). */
  readonly rows: readonly number[];
  /** The steps to run; the whole sequence when absent. */
  readonly window?: TimeWindow;
  /** Each delay's state at the window's start ([B, …] by delay name); a stateful run when given. */
  readonly states?: ReadonlyMap<string, Float32Array>;
  /** Also return 'gradState:<delay>' (train pass only). */
  readonly stateGradients?: boolean;
  /**
   * Where a train pass draws its dropout masks from (fresh ones each run); required when the
   * graph has dropout. A forward pass has no dropout and ignores it.
   */
  readonly dropout?: Random;
}

export interface RunResult {
  readonly compiled: Compiled;
  readonly outputs: Outputs;
  /** The targets the run was fed (for metrics). */
  readonly y: Tensor;
}

interface Variant {
  readonly compiled: Compiled;
  readonly programs: Map<RunSpec['pass'], Promise<Program>>;
}

export class StepRunner {
  private readonly variants = new Map<string, Variant>();

  constructor(
    private readonly graph: GraphDocument,
    private readonly dataset: Dataset,
    private readonly executor: Executor,
    private readonly budgets?: Pick<Budgets, 'steps' | 'parameters'>,
  ) {}

  /**
   * The graph compiled for `steps` steps and batch `batch`. Throws CompileError for a graph it
   * cannot compile so; rejects with `o.signal`'s reason when stopped first.
   */
  async compile(steps: number, batch: number, stateful = false, stateGradients = false, o: DriveOptions = {}): Promise<Compiled> {
    return (await this.variant(steps, batch, stateful, stateGradients, o)).compiled;
  }

  /** Runs one batch. Throws what compile, the executor's prepare and its run throw. */
  async run(spec: RunSpec, weights: Weights): Promise<RunResult> {
    const { dataset } = this;
    const window = spec.window ?? { start: 0, length: dataset.steps };
    const stateful = spec.states !== undefined;
    const stateGradients = spec.pass === 'train' && spec.stateGradients === true;
    const b = spec.rows.length;
    const variant = await this.variant(window.length, b, stateful, stateGradients);
    const c = variant.compiled;
    const y = batchFeed(dataset.y, spec.rows, dataset.steps, window);
    const feeds: Record<string, Tensor> = { x: batchFeed(dataset.x, spec.rows, dataset.steps, window), y };
    if (dataset.decoderInput) feeds.decoderInput = batchFeed(dataset.decoderInput, spec.rows, dataset.steps, window);
    for (const w of c.weights) feeds[w.param] = float32(w.shape, weights.get(w.param)!);
    for (const s of c.states) {
      const state = spec.states?.get(s.name);
      if (!state) throw new Error(`internal: no state for delay '${s.name}'`);
      feeds[`state:${s.name}`] = float32(s.shape, state);
    }
    if (spec.pass === 'train') for (const m of c.masks) feeds[m.name] = dropoutMask(m.shape, m.rate, spec.dropout, m.name);
    const outputs = await (await this.program(variant, spec.pass, `${stateful ? '+state' : ''}${stateGradients ? '+gradState' : ''}:T${window.length}:B${b}`)).run(feeds);
    return { compiled: c, outputs, y };
  }

  /**
   * Compiles the variant and prepares its pass on the executor ahead of the first run, so that a
   * caller can tell this phase apart. ONNX Runtime builds its session in one native call that
   * holds the thread and cannot be interrupted: a stop is seen only once it returns.
   */
  async prepare(pass: RunSpec['pass'], steps: number, batch: number, stateful = false, stateGradients = false): Promise<void> {
    const variant = await this.variant(steps, batch, stateful, stateGradients);
    await this.program(variant, pass, `${stateful ? '+state' : ''}${stateGradients ? '+gradState' : ''}:T${steps}:B${batch}`);
  }

  /** Releases every program the runner prepared. */
  async dispose(): Promise<void> {
    const programs = [...this.variants.values()].flatMap((v) => [...v.programs.values()]);
    this.variants.clear();
    await Promise.all(programs.map(async (p) => (await p.catch(() => null))?.dispose()));
  }

  private program(variant: Variant, pass: RunSpec['pass'], suffix: string): Promise<Program> {
    let program = variant.programs.get(pass);
    if (!program) {
      const prepared = this.executor.prepare(pass === 'train' ? variant.compiled.train : variant.compiled.forward, { name: `${pass}${suffix}` });
      // A failed prepare is not kept: the next run tries again (and reports again).
      prepared.catch(() => variant.programs.get(pass) === prepared && variant.programs.delete(pass));
      variant.programs.set(pass, (program = prepared));
    }
    return program;
  }

  private async variant(steps: number, batch: number, stateful: boolean, stateGradients: boolean, o: DriveOptions = {}): Promise<Variant> {
    const key = `${stateful ? 'S' : ''}${stateGradients ? 'G' : ''}T${steps}B${batch}`;
    const known = this.variants.get(key);
    if (known) return known;
    const compiled = await drive(compileWork(this.graph, { steps, batch, streams: streamTypes(this.dataset), stateful, stateGradients, budgets: this.budgets }), o);
    // Whoever finished compiling this variant first keeps it (and the programs prepared for it).
    const v = this.variants.get(key) ?? { compiled, programs: new Map() };
    this.variants.set(key, v);
    return v;
  }
}

/**
 * An inverted-dropout mask of `shape`: each element independently 0 with probability `rate`, else
 * 1 / (1 − rate), drawn in order from `rng`. Throws when there is no generator to draw from.
 */
export function dropoutMask(shape: readonly number[], rate: number, rng: Random | undefined, name = 'mask'): FloatTensor {
  if (!rng) throw new Error(`internal: the train step needs a random source for dropout '${name}'`);
  const keep = Math.fround(1 / (1 - rate));
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform() < rate ? 0 : keep;
  return float32([...shape], data);
}
