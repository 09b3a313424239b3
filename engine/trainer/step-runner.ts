/**
 * Runs the compiled graph on one batch. A run is the train step (loss, predictions and every
 * weight's gradient) or the forward pass alone (validation; the early chunks of a per-example
 * target, which only carry state). It covers the whole sequence, or one window of it for
 * truncated BPTT: then the graph is compiled stateful, each delay starts from a 'state:<delay>'
 * input and reports 'final:<delay>', and no gradient crosses the window's start. A run may also
 * return ∂loss/∂h_t of every recurrent state ('gradState:<delay>').
 *
 * Each variant is compiled once per (steps, batch size) and keyed so the executor builds it once.
 */
import { type Compiled, compileGraph } from '../compiler/compile.ts';
import type { Dataset } from '../datasets/types.ts';
import type { Executor, Feed, Output } from '../executors/index.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { Random } from '../datasets/random.ts';
import type { Weights } from '../model/init.ts';
import { batchFeed, streamTypes, type TimeWindow } from './batches.ts';
import { graphKey } from './graph-key.ts';

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
  readonly outputs: Readonly<Record<string, Output>>;
  /** The targets the run was fed (for metrics). */
  readonly y: Feed;
}

export class StepRunner {
  private readonly compiled = new Map<string, Compiled>();
  private readonly key: string;

  constructor(
    private readonly graph: GraphDocument,
    private readonly dataset: Dataset,
    private readonly executor: Executor,
  ) {
    this.key = graphKey(graph);
  }

  /** The graph compiled for `steps` steps and batch `batch`. Throws CompileError for a graph it cannot compile so. */
  compile(steps: number, batch: number, stateful = false, stateGradients = false): Compiled {
    const key = `${stateful ? 'S' : ''}${stateGradients ? 'G' : ''}T${steps}B${batch}`;
    let c = this.compiled.get(key);
    if (!c) {
      c = compileGraph(this.graph, { steps, batch, streams: streamTypes(this.dataset), stateful, stateGradients });
      this.compiled.set(key, c);
    }
    return c;
  }

  async run(spec: RunSpec, weights: Weights): Promise<RunResult> {
    const { dataset } = this;
    const window = spec.window ?? { start: 0, length: dataset.steps };
    const stateful = spec.states !== undefined;
    const stateGradients = spec.pass === 'train' && spec.stateGradients === true;
    const b = spec.rows.length;
    const c = this.compile(window.length, b, stateful, stateGradients);
    const y = batchFeed(dataset.y, spec.rows, dataset.steps, window);
    const feeds: Record<string, Feed> = { x: batchFeed(dataset.x, spec.rows, dataset.steps, window), y };
    if (dataset.decoderInput) feeds.decoderInput = batchFeed(dataset.decoderInput, spec.rows, dataset.steps, window);
    for (const w of c.weights) feeds[w.param] = { shape: w.shape, data: weights.get(w.param)! };
    for (const s of c.states) {
      const state = spec.states?.get(s.name);
      if (!state) throw new Error(`internal: no state for delay '${s.name}'`);
      feeds[`state:${s.name}`] = { shape: s.shape, data: state };
    }
    if (spec.pass === 'train') for (const m of c.masks) feeds[m.name] = dropoutMask(m.shape, m.rate, spec.dropout, m.name);
    // The plain train step keeps the key it always had.
    const variant = `${spec.pass}${stateful ? '+state' : ''}${stateGradients ? '+gradState' : ''}`;
    const outputs = await this.executor.run(`${variant}:${this.key}:T${window.length}:B${b}`, spec.pass === 'train' ? c.train : c.forward, feeds);
    return { compiled: c, outputs, y };
  }
}

/**
 * An inverted-dropout mask of `shape`: each element independently 0 with probability `rate`, else
 * 1 / (1 − rate), drawn in order from `rng`. Throws when there is no generator to draw from.
 */
export function dropoutMask(shape: readonly number[], rate: number, rng: Random | undefined, name = 'mask'): Feed {
  if (!rng) throw new Error(`internal: the train step needs a random source for dropout '${name}'`);
  const keep = Math.fround(1 / (1 - rate));
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform() < rate ? 0 : keep;
  return { shape: [...shape], data };
}
