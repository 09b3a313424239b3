/**
 * Training runs in the host: one at a time, with pause, resume and stop, progress sent as
 * `train.*` events (steps batched a few times a second, never dropped), and the weights of the
 * last few finished runs kept for predict, sample and export.
 */
import { randomBytes } from 'node:crypto';
import type { Dataset } from '../datasets/index.ts';
import { chooseExecutor, type ChosenExecutor, type ExecutorChoice } from '../executors/index.ts';
import { resolveTraining, type GraphDocument } from '../graph/schema.ts';
import type { HostEvent, Params, Result, StepPoint } from '../protocol/messages.ts';
import { BudgetError, type Budgets } from '../compiler/budgets.ts';
import { writeCheckpoint } from '../model/checkpoint.ts';
import type { DriveOptions } from '../trainer/drive.ts';
import { type SetupProgress, train, TrainingCancelled, type TrainEvent } from '../trainer/train.ts';
import { CheckpointFolder, RunCheckpoints } from './checkpoints.ts';
import { messageOf, RequestError } from './errors.ts';
import { exportOnnxOf, onnxChoices } from './onnx-export.ts';
import { runFromCheckpoint, runFromModelText } from './opened.ts';
import { decodeWith, exportModel, openedRunOf, predictWith, sampleWith, type TrainedRun } from './trained.ts';

/** How many finished runs keep their weights (the oldest is forgotten first). */
export const KEPT_RUNS = 4;
/** Step points are sent at most this often (and at every epoch's end, pause and run end). */
export const STEP_FLUSH_MS = 100;

type Emit = (e: HostEvent) => void;

/** Collects step points and sends them together. */
class StepBatcher {
  private points: StepPoint[] = [];
  private stepsPerSecond = 0;
  private lastFlush = -Infinity;

  constructor(
    private readonly runId: string,
    private readonly emit: Emit,
  ) {}

  add(point: StepPoint, stepsPerSecond: number): void {
    this.points.push(point);
    this.stepsPerSecond = stepsPerSecond;
    if (performance.now() - this.lastFlush >= STEP_FLUSH_MS) this.flush();
  }

  flush(): void {
    this.lastFlush = performance.now();
    if (this.points.length === 0) return;
    const points = this.points;
    this.points = [];
    this.emit({ type: 'train.steps', runId: this.runId, points, stepsPerSecond: this.stepsPerSecond });
  }
}

interface ActiveRun {
  readonly runId: string;
  readonly controller: AbortController;
  pauseRequested: boolean;
  /** Set while the run waits at its gate; calling it lets the run go on. */
  release: (() => void) | null;
  /** Settles when the run has ended and its `train.ended` was sent. */
  finished: Promise<void>;
  /** The checkpoint this run goes on from: not offered as interrupted while it trains. */
  readonly source: string | undefined;
}

export interface StartOptions {
  readonly graph: GraphDocument;
  /**
   * Generates the dataset, the run's first phase: reports the fraction done and rejects with the
   * signal's reason once stopped (a RequestError says why it cannot be built).
   */
  readonly dataset: (o: DriveOptions) => Promise<Dataset>;
  readonly executor: ExecutorChoice;
  /** Where the graph's dataset files resolve, recorded in its checkpoints. */
  readonly documentPath?: string | null;
  /** The id of a finished run to start from: its weights, and where it stood when it came from a checkpoint. */
  readonly from?: string;
}

export class TrainingRuns {
  private active: ActiveRun | null = null;
  private readonly kept = new Map<string, TrainedRun>();
  private inference: Promise<ChosenExecutor> | null = null;
  /** Every run id this host gave out, to tell a run that ended from an id that never existed. */
  private readonly issued = new Set<string>();
  private readonly failed = new Set<string>();

  constructor(
    private readonly emit: Emit,
    /** Used where a request asks for 'auto', and for predict and sample. */
    private readonly defaultExecutor: ExecutorChoice = 'auto',
    private readonly budgets?: Budgets,
    /** Where running runs leave their checkpoints (off by default). */
    private readonly checkpoints: CheckpointFolder = new CheckpointFolder(null, Infinity),
  ) {}

  /** A fresh run id; its random part keeps it apart from the ids of earlier hosts, whose checkpoints may still be here. */
  private newRunId(): string {
    const runId = `run-${this.issued.size + 1}-${randomBytes(4).toString('hex')}`;
    this.issued.add(runId);
    return runId;
  }

  /** Checks that nothing else is training, chooses the executor and starts the run after the reply. */
  async start(o: StartOptions): Promise<Result<'train.start'>> {
    if (this.active) throw new RequestError('busy', `run '${this.active.runId}' is still training; stop it first`);
    const from = o.from === undefined ? undefined : this.trained(o.from);
    const runId = this.newRunId();
    const run: ActiveRun = { runId, controller: new AbortController(), pauseRequested: false, release: null, finished: Promise.resolve(), source: from?.resume?.checkpoint };
    this.active = run;
    let chosen: ChosenExecutor;
    try {
      chosen = await chooseExecutor(o.executor === 'auto' ? this.defaultExecutor : o.executor);
    } catch (e) {
      this.active = null;
      throw new RequestError('internal', `no executor to train with: ${messageOf(e)}`);
    }
    // The reply with the run id goes out before the first event of the run.
    run.finished = new Promise<void>((resolve) => setImmediate(() => void this.run(run, o, chosen, from).finally(resolve)));
    return { runId };
  }

  /**
   * Keeps a finished run made from a model file's text or from a checkpoint, as a trained one is
   * kept. The one place such a run is made, so whatever a run records about where it came from is
   * set here.
   */
  async open(source: { readonly modelText: string } | { readonly checkpoint: string }): Promise<Result<'model.open'>> {
    const runId = this.newRunId();
    const run = 'modelText' in source
      ? runFromModelText(runId, source.modelText, this.budgets)
      : runFromCheckpoint(runId, source.checkpoint, await this.checkpoints.read(source.checkpoint), this.budgets);
    this.keep(run);
    return openedRunOf(run);
  }

  async listCheckpoints(): Promise<Result<'checkpoints.list'>> {
    const active = this.active;
    return { checkpoints: (await this.checkpoints.list()).filter((c) => c.id !== active?.runId && c.id !== active?.source) };
  }

  async discardCheckpoint(id: string): Promise<Result<'checkpoints.discard'>> {
    if (this.active?.runId === id) throw new RequestError('busy', `run '${id}' is training; its checkpoint goes when it ends`);
    await this.checkpoints.remove(id);
    return {};
  }

  pause(runId: string): Result<'train.pause'> {
    const run = this.activeOrNone(runId);
    if (run && !run.release) run.pauseRequested = true;
    return {};
  }

  resume(runId: string): Result<'train.resume'> {
    const run = this.activeOrNone(runId);
    if (!run) return {};
    run.pauseRequested = false;
    if (run.release) {
      const release = run.release;
      run.release = null;
      this.emit({ type: 'train.paused', runId, paused: false });
      release();
    }
    return {};
  }

  stop(runId: string): Result<'train.stop'> {
    const run = this.activeOrNone(runId);
    if (!run) return {};
    run.controller.abort();
    run.release?.();
    run.release = null;
    return {};
  }

  async predict(runId: string, input: unknown): Promise<Result<'predict'>> {
    return predictWith(this.trained(runId), input, await this.inferenceExecutor(), this.budgets);
  }

  async sample(runId: string, o: { length: number; temperature: number; topK: number; reject: string[]; prime: string; seed: number }): Promise<Result<'sample'>> {
    return sampleWith(this.trained(runId), o, await this.inferenceExecutor(), this.budgets);
  }

  async decode(runId: string, o: Omit<Params<'decode'>, 'runId'>): Promise<Result<'decode'>> {
    const run = this.trained(runId);
    return decodeWith(run, o, await this.inferenceExecutor());
  }

  exportModel(runId: string): Result<'model.export'> {
    return exportModel(this.trained(runId));
  }

  onnxChoices(runId: string): Result<'model.onnxChoices'> {
    return onnxChoices(this.trained(runId), this.budgets);
  }

  exportOnnx(runId: string, o: { steps: number | 'any'; batch: number }): Result<'model.exportOnnx'> {
    return exportOnnxOf(this.trained(runId), o, this.budgets);
  }

  /** Stops a run in progress, waits for it to end and releases the executors. */
  async dispose(): Promise<void> {
    const run = this.active;
    if (run) {
      this.stop(run.runId);
      await run.finished;
    }
    const inference = this.inference;
    this.inference = null;
    if (inference) await (await inference.catch(() => null))?.executor.dispose();
  }

  /** The active run with this id; null for a run that has ended; 'not-found' for an id never issued. */
  private activeOrNone(runId: string): ActiveRun | null {
    if (this.active?.runId === runId) return this.active;
    if (this.issued.has(runId)) return null;
    throw new RequestError('not-found', `no run '${runId}'`);
  }

  private trained(runId: string): TrainedRun {
    if (this.active?.runId === runId) throw new RequestError('busy', `run '${runId}' is still training; its weights can be used once it ends or is stopped`);
    const run = this.kept.get(runId);
    if (run) return run;
    if (this.failed.has(runId)) throw new RequestError('not-found', `run '${runId}' failed, so it has no weights to use`);
    throw new RequestError('not-found', this.issued.has(runId) ? `run '${runId}' is no longer kept (only the last ${KEPT_RUNS} are); train again` : `no run '${runId}'`);
  }

  private inferenceExecutor() {
    this.inference ??= chooseExecutor(this.defaultExecutor);
    return this.inference.then(
      (c) => c.executor,
      (e: unknown) => {
        this.inference = null;
        throw new RequestError('internal', `no executor to run the model with: ${messageOf(e)}`);
      },
    );
  }

  private async run(run: ActiveRun, o: StartOptions, chosen: ChosenExecutor, from: TrainedRun | undefined): Promise<void> {
    const { runId } = run;
    const batcher = new StepBatcher(runId, this.emit);
    const progress = { epochs: from?.resume?.position.epoch ?? 0, steps: from?.resume?.position.step ?? 0, loss: null as number | null };
    const settings = resolveTraining(o.graph.training);
    // Generated as the run's first phase, before any epoch ends and so before any checkpoint.
    let dataset: Dataset | null = null;
    const checkpoints = new RunCheckpoints(this.checkpoints, runId, from?.resume?.checkpoint, (position, weightInfo) =>
      writeCheckpoint({
        runId,
        documentPath: o.documentPath ?? null,
        graph: o.graph,
        weightInfo,
        position,
        training: { dataset: o.graph.dataset, vocabulary: dataset?.vocabulary ? [...dataset.vocabulary] : undefined, normalisation: dataset?.normalisation, seed: settings.seed, savedAt: new Date().toISOString() },
      }),
    );
    const gate = async (): Promise<void> => {
      if (!run.pauseRequested || run.controller.signal.aborted) return;
      batcher.flush();
      this.emit({ type: 'train.paused', runId, paused: true });
      await new Promise<void>((resolve) => (run.release = resolve));
    };
    const onEvent = (e: TrainEvent): void => {
      switch (e.type) {
        case 'start':
          this.emit({ type: 'train.started', runId, ...withoutType(e), executor: { ...e.executor } });
          return;
        case 'step':
          progress.steps = e.step;
          progress.loss = e.loss;
          batcher.add(
            {
              step: e.step,
              epoch: e.epoch,
              loss: e.loss,
              gradNorm: e.gradNorm,
              clipped: e.clipped,
              clippedValue: e.clippedValue,
              clippedNorm: e.clippedNorm,
              ...(e.chunk !== undefined ? { chunk: e.chunk } : {}),
              ...(e.stateGradNorms && e.stateGradNorms.every((s) => s.norms.every(Number.isFinite))
                ? { stateGradNorms: e.stateGradNorms.map((s) => ({ ...s, norms: [...s.norms] })) }
                : {}),
            },
            e.stepsPerSecond,
          );
          return;
        case 'epoch':
          progress.epochs = e.epoch;
          batcher.flush();
          this.emit({
            type: 'train.epoch',
            runId,
            epoch: e.epoch,
            loss: e.loss,
            metrics: { ...e.metrics },
            seconds: e.seconds,
            learningRate: e.learningRate,
            // JSON has no NaN or Infinity: a validation loss that is not finite is left out.
            ...(e.validation && Number.isFinite(e.validation.loss) ? { validation: { loss: e.validation.loss, metrics: finiteOnly(e.validation.metrics) } } : {}),
          });
          return;
        case 'end':
          return; // sent below, once the weights are kept
      }
    };
    let ended: HostEvent;
    const onProgress = (p: SetupProgress) => this.emit({ type: 'train.progress', runId, ...p });
    try {
      dataset = await generate(o, run.controller.signal, onProgress);
      const result = await train({
        graph: o.graph,
        dataset,
        settings,
        executor: chosen.executor,
        executorReason: chosen.reason,
        signal: run.controller.signal,
        budgets: this.budgets,
        ...(from?.resume ? { resume: from.resume.position } : from ? { weights: from.weights } : {}),
        onEpochEnd: checkpoints.epochEnded,
        gate,
        onEvent,
        onProgress,
      });
      this.keep({
        runId,
        graph: o.graph,
        weights: result.weights,
        weightInfo: result.weightInfo,
        history: result.history,
        end: result.end,
        dataset: o.graph.dataset,
        vocabulary: dataset.vocabulary,
        normalisation: dataset.normalisation,
        seed: settings.seed,
      });
      ended = { type: 'train.ended', runId, ...withoutType(result.end) };
    } catch (e) {
      // Stopped before its first step, or refused by a budget: no weights to keep.
      this.failed.add(runId);
      if (e instanceof TrainingCancelled) ended = { type: 'train.ended', runId, reason: 'cancelled', message: e.message, ...progress };
      else {
        if (!(e instanceof BudgetError || e instanceof RequestError)) process.stderr.write(`engine host: run ${runId} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        ended = { type: 'train.ended', runId, reason: 'failed', message: `training failed: ${messageOf(e)}`, ...progress };
      }
    } finally {
      await chosen.executor.dispose().catch(() => undefined);
    }
    // The run ended here (its weights are kept, or it failed): nothing is left to resume.
    await checkpoints.close();
    this.active = null;
    batcher.flush();
    this.emit(ended);
  }

  private keep(run: TrainedRun): void {
    this.kept.set(run.runId, run);
    for (const id of this.kept.keys()) if (this.kept.size > KEPT_RUNS) this.kept.delete(id);
  }
}

/** The run's dataset, generated as its first phase; throws TrainingCancelled when stopped meanwhile. */
async function generate(o: StartOptions, signal: AbortSignal, onProgress: (p: SetupProgress) => void): Promise<Dataset> {
  onProgress({ phase: 'dataset', done: 0, total: 1 });
  let dataset: Dataset;
  try {
    dataset = await o.dataset({ signal, onProgress: (done) => onProgress({ phase: 'dataset', done, total: 1 }) });
  } catch (e) {
    if (signal.aborted) throw new TrainingCancelled('dataset');
    throw new RequestError('dataset', `the dataset could not be generated: ${messageOf(e)}`);
  }
  onProgress({ phase: 'dataset', done: 1, total: 1 });
  return dataset;
}

const finiteOnly = (metrics: Readonly<Record<string, number>>): Record<string, number> => Object.fromEntries(Object.entries(metrics).filter(([, v]) => Number.isFinite(v)));

function withoutType<T extends { type: string }>(e: T): Omit<T, 'type'> {
  const { type: _type, ...rest } = e;
  return rest;
}
