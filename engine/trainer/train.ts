/**
 * The training loop: mini-batches, an optimizer, clipping by global norm, a NaN/Inf guard that
 * keeps the last good weights, cancellation, and a typed event stream. The same seed gives the
 * same weights, the same batch order and so the same losses.
 */
import { createHash } from 'node:crypto';
import { type Compiled, compileGraph, type WeightInfo } from '../compiler/compile.ts';
import { Random } from '../datasets/random.ts';
import type { Dataset } from '../datasets/types.ts';
import type { Executor, ExecutorInfo, Feed } from '../executors/index.ts';
import type { GraphDocument, ResolvedTraining } from '../graph/schema.ts';
import { initWeights, type Weights } from '../model/init.ts';
import { batchesOf, batchFeed, streamTypes } from './batches.ts';
import { clipByGlobalNorm, createOptimizer, globalNorm } from './optimizers.ts';

export type EndReason = 'completed' | 'cancelled' | 'diverged' | 'target-reached';

export type TrainEvent =
  | {
      type: 'start';
      executor: ExecutorInfo;
      /** Why a faster executor is not in use (null: it is). */
      executorReason: string | null;
      examples: number;
      steps: number;
      batchSize: number;
      batchesPerEpoch: number;
      epochs: number;
      parameters: number;
    }
  | { type: 'step'; epoch: number; batch: number; step: number; loss: number; gradNorm: number; clipped: boolean; stepsPerSecond: number }
  | { type: 'epoch'; epoch: number; loss: number; metrics: Readonly<Record<string, number>>; seconds: number }
  | { type: 'end'; reason: EndReason; message: string; epochs: number; steps: number; loss: number | null };

export interface TrainOptions {
  readonly graph: GraphDocument;
  readonly dataset: Dataset;
  readonly settings: ResolvedTraining;
  readonly executor: Executor;
  readonly executorReason?: string | null;
  /** Start from these weights (by IR param name) instead of fresh ones. */
  readonly weights?: Weights;
  readonly signal?: AbortSignal;
  /**
   * Awaited before each step: a pause is a promise that resolves on resume. Cancelling through
   * `signal` ends the wait at once, so a paused run can still be stopped. Time spent waiting does
   * not count towards steps per second or an epoch's seconds.
   */
  readonly gate?: () => Promise<void>;
  readonly onEvent?: (e: TrainEvent) => void;
}

export interface TrainResult {
  readonly weights: Weights;
  readonly weightInfo: readonly WeightInfo[];
  readonly history: readonly { epoch: number; loss: number; metrics: Readonly<Record<string, number>> }[];
  readonly end: Extract<TrainEvent, { type: 'end' }>;
}

export const graphKey = (graph: GraphDocument): string => createHash('sha256').update(JSON.stringify({ nodes: graph.nodes, edges: graph.edges })).digest('hex').slice(0, 16);

/** Compiles `graph` for a batch size once, and runs its train step. */
class StepRunner {
  private readonly compiled = new Map<number, Compiled>();
  constructor(
    private readonly graph: GraphDocument,
    private readonly dataset: Dataset,
    private readonly executor: Executor,
  ) {}

  compile(batch: number): Compiled {
    let c = this.compiled.get(batch);
    if (!c) {
      c = compileGraph(this.graph, { steps: this.dataset.steps, batch, streams: streamTypes(this.dataset) });
      this.compiled.set(batch, c);
    }
    return c;
  }

  async run(rows: readonly number[], weights: Weights) {
    const c = this.compile(rows.length);
    const feeds: Record<string, Feed> = {
      x: batchFeed(this.dataset.x, rows, this.dataset.steps),
      y: batchFeed(this.dataset.y, rows, this.dataset.steps),
    };
    for (const w of c.weights) feeds[w.param] = { shape: w.shape, data: weights.get(w.param)! };
    const key = `train:${graphKey(this.graph)}:T${this.dataset.steps}:B${rows.length}`;
    const out = await this.executor.run(key, c.train, feeds);
    const grads = new Map(c.weights.map((w) => [w.param, out[`grad:${w.param}`].data]));
    return { loss: out.loss.data[0], grads, outputs: out, compiled: c };
  }
}

/** Waits for `gate` or for `signal` to abort, whichever comes first; returns the milliseconds waited. */
async function passGate(gate: (() => Promise<void>) | undefined, signal: AbortSignal | undefined): Promise<number> {
  if (!gate || signal?.aborted) return 0;
  const started = performance.now();
  if (!signal) await gate();
  else {
    let onAbort = () => {};
    const aborted = new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([gate(), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
  return performance.now() - started;
}

/** Fraction of examples (and steps) whose argmax prediction equals the target class. */
function accuracy(prediction: Float32Array, classes: number, targets: Feed): number {
  let right = 0;
  const n = targets.data.length;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (prediction[i * classes + k] > prediction[i * classes + best]) best = k;
    if (best === targets.data[i]) right++;
  }
  return right / n;
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  const { dataset, settings, executor } = o;
  const emit = o.onEvent ?? (() => {});
  const runner = new StepRunner(o.graph, dataset, executor);
  const batchSize = Math.min(settings.batchSize, dataset.size);
  const first = runner.compile(batchSize);
  const weightInfo = first.weights;
  const weights = o.weights ? new Map([...o.weights].map(([k, v]) => [k, Float32Array.from(v)])) : initWeights(weightInfo, settings.seed);
  const optimizer = createOptimizer(settings.optimizer);
  const shuffler = new Random(settings.seed ^ 0x5eed);
  const order = Array.from({ length: dataset.size }, (_, i) => i);
  const batchesPerEpoch = Math.ceil(dataset.size / batchSize);
  const outputNode = [...first.analysis.nodes].find(([, n]) => n.block.type === 'output');
  const classes = outputNode && outputNode[1].params.loss === 'softmaxCrossEntropy' ? outputNode[1].inputs.in?.size : undefined;

  emit({
    type: 'start',
    executor: executor.describe(),
    executorReason: o.executorReason ?? null,
    examples: dataset.size,
    steps: dataset.steps,
    batchSize,
    batchesPerEpoch,
    epochs: settings.epochs,
    parameters: weightInfo.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0),
  });

  const history: { epoch: number; loss: number; metrics: Record<string, number> }[] = [];
  let step = 0;
  let lastLoss: number | null = null;
  const end = (reason: EndReason, message: string, epochs: number): TrainResult => {
    const e = { type: 'end' as const, reason, message, epochs, steps: step, loss: lastLoss };
    emit(e);
    return { weights, weightInfo, history, end: e };
  };

  let window = { started: performance.now(), steps: 0 };
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    let started = performance.now();
    shuffler.shuffle(order);
    let lossSum = 0;
    let accSum = 0;
    let seen = 0;
    const batches = batchesOf(order, batchSize);
    for (let bi = 0; bi < batches.length; bi++) {
      const paused = await passGate(o.gate, o.signal);
      started += paused;
      window.started += paused;
      if (o.signal?.aborted) return end('cancelled', `stopped at epoch ${epoch}, step ${step}`, epoch - 1);
      const rows = batches[bi];
      const { loss, grads, outputs } = await runner.run(rows, weights);
      const norm = globalNorm(grads);
      if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
        return end(
          'diverged',
          `the loss became ${Number.isFinite(loss) ? 'finite but the gradient norm is ' + norm : loss} at epoch ${epoch}, batch ${bi + 1}; the weights from the last good step are kept. Lower the learning rate or set clipNorm.`,
          epoch - 1,
        );
      }
      const clipped = settings.clipNorm !== null && clipByGlobalNorm(grads, norm, settings.clipNorm);
      const before = new Map([...weights].map(([k, v]) => [k, v.slice()]));
      optimizer.step(weights, grads);
      const overflowed = [...weights].find(([, w]) => !w.every(Number.isFinite));
      if (overflowed) {
        for (const [k, v] of before) weights.get(k)!.set(v);
        return end(
          'diverged',
          `the update at epoch ${epoch}, batch ${bi + 1} made weight '${overflowed[0]}' overflow; the weights from the last good step are kept. Lower the learning rate or set clipNorm.`,
          epoch - 1,
        );
      }
      step++;
      lastLoss = loss;
      lossSum += loss * rows.length;
      seen += rows.length;
      if (classes !== undefined && outputNode) {
        const y = batchFeed(dataset.y, rows, dataset.steps);
        accSum += accuracy(outputs[`out:${outputNode[0]}`].data, classes, y) * rows.length;
      }
      window.steps++;
      const now = performance.now();
      const stepsPerSecond = (window.steps * 1000) / Math.max(now - window.started, 1e-3);
      if (now - window.started > 2000) window = { started: now, steps: 0 };
      emit({ type: 'step', epoch, batch: bi + 1, step, loss, gradNorm: norm, clipped, stepsPerSecond });
      // Let cancellation and other events through between steps.
      await new Promise<void>((r) => setImmediate(r));
    }
    const meanLoss = lossSum / seen;
    const metrics: Record<string, number> = classes !== undefined ? { accuracy: accSum / seen } : {};
    history.push({ epoch, loss: meanLoss, metrics });
    emit({ type: 'epoch', epoch, loss: meanLoss, metrics, seconds: (performance.now() - started) / 1000 });
    if (settings.targetLoss !== null && meanLoss <= settings.targetLoss)
      return end('target-reached', `mean loss ${meanLoss.toPrecision(4)} reached the target ${settings.targetLoss} at epoch ${epoch}`, epoch);
  }
  return end('completed', `trained ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}`, settings.epochs);
}
