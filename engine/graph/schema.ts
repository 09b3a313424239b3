/**
 * The graph document (`*.rnn.json`), version 1: one zod schema from which every type is derived.
 *
 * The document keeps exactly what the user wrote: block params are validated by each block's own
 * schema at validation time (so a bad param is a diagnostic on that node, not a lost file), and
 * defaults are applied where they are used, never written back. Parsing a file and serializing it
 * again gives the same document.
 */
import { z } from 'zod';

export const GRAPH_FORMAT = 'rnn-studio.graph';
export const GRAPH_VERSION = 1;

/** Stable ids: letters, digits, `_` and `-`, starting with a letter or `_`. */
export const Id = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'ids are 1–64 letters, digits, _ or -, starting with a letter or _');

export const Position = z.strictObject({ x: z.number(), y: z.number() });

export const GraphNode = z.strictObject({
  id: Id,
  type: z.string().min(1),
  /** Checked against the block's own param schema by the validator. */
  params: z.record(z.string(), z.unknown()),
  position: Position,
  label: z.string().optional(),
});

export const GraphEdge = z.strictObject({
  id: Id,
  source: Id,
  sourcePort: z.string().min(1),
  target: Id,
  targetPort: z.string().min(1),
});

export const DatasetSpec = z.strictObject({
  type: z.string().min(1),
  params: z.record(z.string(), z.unknown()),
});

const rate = z.number().positive().max(10);
const unit = z.number().min(0).lt(1);
export const Optimizer = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sgd'), learningRate: rate }),
  z.strictObject({ type: z.literal('momentum'), learningRate: rate, momentum: unit, nesterov: z.boolean().optional() }),
  z.strictObject({ type: z.literal('rmsprop'), learningRate: rate, rho: unit, epsilon: z.number().positive() }),
  z.strictObject({ type: z.literal('adam'), learningRate: rate, beta1: unit, beta2: unit, epsilon: z.number().positive() }),
]);

/**
 * How the learning rate changes from epoch to epoch (epoch e counts from 1; lr₀ is the optimizer's
 * learningRate): none keeps lr₀; step multiplies it by `factor` every `every` epochs; exponential by
 * `decayRate` each epoch; cosine follows half a cosine from lr₀ down to `minLearningRate` over
 * `epochs` epochs and stays there.
 */
export const LearningRateSchedule = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('step'), every: z.int().min(1).max(100_000), factor: z.number().positive().max(1) }),
  z.strictObject({ type: z.literal('exponential'), decayRate: z.number().positive().max(1) }),
  z.strictObject({ type: z.literal('cosine'), epochs: z.int().min(1).max(100_000), minLearningRate: z.number().nonnegative().max(10).optional() }),
]);

export const EarlyStopping = z.strictObject({
  /** Epochs without an improvement of more than minDelta before training stops. */
  patience: z.int().min(1).max(100_000),
  minDelta: z.number().nonnegative().optional(),
});

export const TruncatedBptt = z.strictObject({
  /** k: time steps per chunk; gradients do not flow back across a chunk boundary. */
  steps: z.int().min(1).max(100_000),
});

export const TrainingSettings = z.strictObject({
  epochs: z.int().min(1).max(100_000).optional(),
  batchSize: z.int().min(1).max(65_536).optional(),
  seed: z.int().min(0).max(2 ** 31 - 1).optional(),
  optimizer: Optimizer.optional(),
  /** Rescale all gradients together when their global L2 norm exceeds this; null: off. */
  clipNorm: z.number().positive().nullable().optional(),
  /** Clamp each gradient element to [−clipValue, clipValue] (before clipNorm); null: off. */
  clipValue: z.number().positive().nullable().optional(),
  /** Stop once the mean training loss of an epoch falls to this value. */
  targetLoss: z.number().nonnegative().optional(),
  schedule: LearningRateSchedule.optional(),
  /** Fraction of examples held out (after one seeded shuffle) to measure validation loss and metrics. */
  validationSplit: z.number().min(0).lt(0.5).optional(),
  /** Stop when the monitored loss (validation, else training) stops improving; keep the best epoch's weights. null: off. */
  earlyStopping: EarlyStopping.nullable().optional(),
  /** Backpropagate through chunks of k steps, carrying the state between chunks. null: through the whole sequence. */
  truncatedBptt: TruncatedBptt.nullable().optional(),
  /** Report ‖∂loss/∂h_t‖ for every t and every recurrent state: true on every step, N on step 1 and every N-th after it. */
  gradientNormsOverTime: z.union([z.boolean(), z.int().min(1).max(1_000_000)]).optional(),
});

export const GraphDocument = z
  .strictObject({
    format: z.literal(GRAPH_FORMAT),
    version: z.literal(GRAPH_VERSION),
    name: z.string(),
    description: z.string().optional(),
    nodes: z.array(GraphNode),
    edges: z.array(GraphEdge),
    dataset: DatasetSpec.optional(),
    training: TrainingSettings.optional(),
    /** Editor state that is not part of the model (viewport, notes); kept as is. */
    ui: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((doc, ctx) => {
    const seen = new Map<string, number>();
    doc.nodes.forEach((n, i) => {
      const first = seen.get(n.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: `duplicate node id '${n.id}' (also nodes[${first}])` });
      else seen.set(n.id, i);
    });
    const edges = new Map<string, number>();
    doc.edges.forEach((e, i) => {
      const first = edges.get(e.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['edges', i, 'id'], message: `duplicate edge id '${e.id}' (also edges[${first}])` });
      else edges.set(e.id, i);
    });
  });

export type GraphDocument = z.infer<typeof GraphDocument>;
export type GraphNode = z.infer<typeof GraphNode>;
export type GraphEdge = z.infer<typeof GraphEdge>;
export type DatasetSpec = z.infer<typeof DatasetSpec>;
export type TrainingSettings = z.infer<typeof TrainingSettings>;
export type Optimizer = z.infer<typeof Optimizer>;
export type LearningRateSchedule = z.infer<typeof LearningRateSchedule>;

/** A schedule with its optional fields filled in. */
export type ResolvedSchedule =
  | Exclude<LearningRateSchedule, { type: 'cosine' }>
  | (Extract<LearningRateSchedule, { type: 'cosine' }> & { minLearningRate: number });

/** Training settings with every default applied. */
export interface ResolvedTraining {
  epochs: number;
  batchSize: number;
  seed: number;
  optimizer: Optimizer;
  clipNorm: number | null;
  clipValue: number | null;
  targetLoss: number | null;
  schedule: ResolvedSchedule;
  validationSplit: number;
  earlyStopping: { patience: number; minDelta: number } | null;
  truncatedBptt: { steps: number } | null;
  /** false: never; true: every step; N: step 1 and every N-th step after it. */
  gradientNormsOverTime: boolean | number;
}

export const DEFAULT_OPTIMIZER: Optimizer = { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

const resolveSchedule = (s: LearningRateSchedule | undefined): ResolvedSchedule =>
  s === undefined ? { type: 'none' } : s.type === 'cosine' ? { ...s, minLearningRate: s.minLearningRate ?? 0 } : s;

export function resolveTraining(t: TrainingSettings | undefined): ResolvedTraining {
  return {
    epochs: t?.epochs ?? 10,
    batchSize: t?.batchSize ?? 32,
    seed: t?.seed ?? 1,
    optimizer: t?.optimizer ?? DEFAULT_OPTIMIZER,
    clipNorm: t?.clipNorm ?? null,
    clipValue: t?.clipValue ?? null,
    targetLoss: t?.targetLoss ?? null,
    schedule: resolveSchedule(t?.schedule),
    validationSplit: t?.validationSplit ?? 0,
    earlyStopping: t?.earlyStopping ? { patience: t.earlyStopping.patience, minDelta: t.earlyStopping.minDelta ?? 0 } : null,
    truncatedBptt: t?.truncatedBptt ?? null,
    gradientNormsOverTime: t?.gradientNormsOverTime ?? false,
  };
}
