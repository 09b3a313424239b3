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

export const TrainingSettings = z.strictObject({
  epochs: z.int().min(1).max(100_000).optional(),
  batchSize: z.int().min(1).max(65_536).optional(),
  seed: z.int().min(0).max(2 ** 31 - 1).optional(),
  optimizer: Optimizer.optional(),
  /** Rescale all gradients together when their global L2 norm exceeds this; null: off. */
  clipNorm: z.number().positive().nullable().optional(),
  /** Stop once the mean training loss of an epoch falls to this value. */
  targetLoss: z.number().nonnegative().optional(),
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

/** Training settings with every default applied. */
export interface ResolvedTraining {
  epochs: number;
  batchSize: number;
  seed: number;
  optimizer: Optimizer;
  clipNorm: number | null;
  targetLoss: number | null;
}

export const DEFAULT_OPTIMIZER: Optimizer = { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

export function resolveTraining(t: TrainingSettings | undefined): ResolvedTraining {
  return {
    epochs: t?.epochs ?? 10,
    batchSize: t?.batchSize ?? 32,
    seed: t?.seed ?? 1,
    optimizer: t?.optimizer ?? DEFAULT_OPTIMIZER,
    clipNorm: t?.clipNorm ?? null,
    targetLoss: t?.targetLoss ?? null,
  };
}
