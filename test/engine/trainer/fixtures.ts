/**
 * Small Elman problems for the trainer's tests: the graph, a dataset whose numbers come from a
 * seeded generator, a run of the trainer that keeps every event, and the hand-written float64
 * network (elman-reference.ts) set up from what a recorded step was fed.
 */
import type { Dataset } from '../../../engine/datasets/types.ts';
import { Random } from '../../../engine/datasets/random.ts';
import { type Executor, float32 } from '../../../engine/executors/index.ts';
import { resolveTraining, type GraphDocument, type TrainingSettings } from '../../../engine/graph/schema.ts';
import { train, type TrainEvent, type TrainOptions, type TrainResult } from '../../../engine/trainer/train.ts';
import { graph } from '../../helpers/graphs.ts';
import { type RecordedRun, WrappingExecutor } from '../../helpers/recording-executor.ts';
import type { ElmanProblem, ElmanWeights } from './elman-reference.ts';

export interface ElmanSpec {
  readonly inputs: number;
  readonly units: number;
  readonly outputs: number;
  readonly activation: 'tanh' | 'linear';
  /** A target at every step (the Elman layer returns sequences) or one per sequence (its last step). */
  readonly perStep: boolean;
  /** Extra Elman params (initialisers, gain). */
  readonly elman?: Readonly<Record<string, unknown>>;
}

/** x → Elman ('rnn') → dense ('d') → output ('o', mean squared error). */
export const elmanGraph = (s: ElmanSpec): GraphDocument =>
  graph(
    {
      x: ['input', { size: s.inputs }],
      rnn: ['elman', { units: s.units, activation: s.activation, returnSequences: s.perStep, ...s.elman }],
      d: ['dense', { units: s.outputs }],
      o: ['output', { loss: 'meanSquaredError' }],
    },
    ['x -> rnn', 'rnn -> d', 'd -> o'],
  );

/** N examples of T steps; x uniform in (−1, 1), y a smooth function of x (so there is something to learn). */
export function elmanDataset(s: ElmanSpec, size: number, steps: number, seed = 7): Dataset {
  const rng = new Random(seed);
  const x = Float32Array.from({ length: size * steps * s.inputs }, () => 2 * rng.uniform() - 1);
  const yLength = size * (s.perStep ? steps : 1) * s.outputs;
  const y = Float32Array.from({ length: yLength }, (_, i) => Math.fround(0.5 * Math.sin(3 * x[i % x.length]) + 0.1 * (i % 3)));
  return {
    type: 'custom',
    steps,
    size,
    x: { kind: 'dense', perStep: true, features: s.inputs, data: x },
    y: { kind: 'dense', perStep: s.perStep, features: s.outputs, data: y },
  };
}

export interface Trained extends TrainResult {
  readonly events: TrainEvent[];
}

/** Trains with `settings` over the defaults, keeping every event. */
export async function trainCollecting(o: Omit<TrainOptions, 'settings' | 'onEvent'> & { settings: TrainingSettings; onEvent?: (e: TrainEvent) => void }): Promise<Trained> {
  const events: TrainEvent[] = [];
  const result = await train({
    ...o,
    settings: resolveTraining(o.settings),
    onEvent: (e) => {
      events.push(e);
      o.onEvent?.(e);
    },
  });
  return { ...result, events };
}

export const stepsOf = (events: readonly TrainEvent[]) => events.flatMap((e) => (e.type === 'step' ? [e] : []));
export const epochsOf = (events: readonly TrainEvent[]) => events.flatMap((e) => (e.type === 'epoch' ? [e] : []));

/** The hand-written network and its problem, from the feeds of one recorded run. */
export function referenceOf(s: ElmanSpec, run: RecordedRun, delay = 'rnn.h'): { problem: ElmanProblem; weights: ElmanWeights } {
  const x = run.feeds.x;
  const [steps, batch] = x.shape;
  const state = run.feeds[`state:${delay}`];
  return {
    problem: { steps, batch, inputs: s.inputs, units: s.units, outputs: s.outputs, activation: s.activation, perStep: s.perStep, x: x.data, y: run.feeds.y.data, h0: state?.data },
    weights: { K: run.feeds['rnn.kernel'].data, R: run.feeds['rnn.recurrentKernel'].data, b: run.feeds['rnn.bias'].data, Wd: run.feeds['d.kernel'].data, bd: run.feeds['d.bias'].data },
  };
}

/** max |a − b| / max(1e-12, max |b|) */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`${a.length} values against ${b.length}`);
  let worst = 0;
  let scale = 1e-12;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}

/**
 * Hands the trainer copies of what `inner` returns. The trainer clips gradients in place, so a
 * RecordingExecutor inside this one keeps the raw gradients each step computed.
 */
export class CopyingExecutor extends WrappingExecutor {
  constructor(inner: Executor) {
    super(inner, (_name, _feeds, outputs) => Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, float32([...o.shape], o.data.slice())])));
  }
}
