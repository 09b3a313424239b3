/**
 * The checkpoint file (`<run>.rnn-checkpoint.json`), version 1: where a training run stood after
 * an epoch, written while it trains so that a crash of the engine loses at most the epochs since.
 *
 *   { format, version, runId, documentPath, model: <a whole model file>, trainer: { … } }
 *
 * `model` is a model file as writeModel writes it (graph, weights and training record with the
 * loss history), so a checkpoint exports as it is. `trainer` is the rest of the run's position
 * (TrainerPosition): the optimizer's slots and the best epoch's weights as float32 base64, the
 * example order and the random streams, so training goes on exactly as it would have.
 */
import { z } from 'zod';
import type { WeightInfo } from '../compiler/compile.ts';
import type { DocumentError } from '../graph/document.ts';
import { describeJsonError, formatPath } from '../graph/document.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { TrainerPosition } from '../trainer/position.ts';
import { base64ToFloat32, describeBase64Problem, float32ToBase64, type ModelFile, readModel, type TrainingRecord, weightsToMap, writeModel } from './file.ts';
import type { Weights } from './init.ts';

export const CHECKPOINT_FORMAT = 'rnn-studio.checkpoint';
export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_SUFFIX = '.rnn-checkpoint.json';

/** float32 values as base64 (as model files store them), whole values only. */
const Floats = z.string().superRefine((text, ctx) => {
  const problem = describeBase64Problem(text);
  const bytes = problem ? 0 : (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
  else if (bytes % 4 !== 0) ctx.addIssue({ code: 'custom', message: `decodes to ${bytes} bytes, not a whole number of float32 values` });
});
const WeightsByParam = z.record(z.string().min(1), Floats);
const Position = z.strictObject({ state: z.int().min(0).max(2 ** 32 - 1), spareNormal: z.number().nullable() });

const Trainer = z.strictObject({
  epoch: z.int().min(1),
  step: z.int().min(0),
  lastLoss: z.number().nullable(),
  order: z.array(z.int().min(0)),
  optimizer: z.strictObject({ t: z.int().min(0), slots: z.record(z.string().min(1), z.array(Floats)) }),
  shuffler: Position,
  dropout: Position,
  /** bestValue null: no epoch improved yet (Infinity, which JSON cannot hold). */
  stopper: z.strictObject({ bestValue: z.number().nullable(), bestAt: z.int().min(0), wait: z.int().min(0) }).nullable(),
  bestWeights: WeightsByParam.nullable(),
});

const Envelope = z.strictObject({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  runId: z.string().min(1).max(64),
  /** The graph file the run was started from: its dataset files resolve against it. */
  documentPath: z.string().nullable(),
  model: z.unknown(),
  trainer: Trainer,
});

export interface Checkpoint {
  readonly runId: string;
  readonly documentPath: string | null;
  readonly model: ModelFile;
  readonly position: TrainerPosition;
}

export type ReadCheckpointResult = { ok: true; checkpoint: Checkpoint } | { ok: false; errors: DocumentError[] };

const toBase64 = (weights: ReadonlyMap<string, Float32Array>) => Object.fromEntries([...weights].map(([k, v]) => [k, float32ToBase64(v)]));
const fromBase64 = (weights: Readonly<Record<string, string>>): Weights => new Map(Object.entries(weights).map(([k, v]) => [k, base64ToFloat32(v)]));

export interface WriteCheckpointOptions {
  readonly runId: string;
  readonly documentPath: string | null;
  readonly graph: GraphDocument;
  readonly weightInfo: readonly WeightInfo[];
  readonly position: TrainerPosition;
  /** The training record but the history, which comes from the position. */
  readonly training: Omit<TrainingRecord, 'history' | 'epochs' | 'steps' | 'finalLoss'>;
}

/** The text of a checkpoint. Throws ModelWriteError when the weights are not finite or do not fit. */
export function writeCheckpoint(o: WriteCheckpointOptions): string {
  const p = o.position;
  const model = writeModel({
    graph: o.graph,
    weights: p.weights,
    weightInfo: o.weightInfo,
    encoding: 'base64',
    training: { ...o.training, epochs: p.epoch, steps: p.step, finalLoss: p.history.at(-1)?.loss ?? null, history: p.history.map((e) => ({ ...e, metrics: { ...e.metrics } })) },
  });
  const trainer: z.input<typeof Trainer> = {
    epoch: p.epoch,
    step: p.step,
    lastLoss: p.lastLoss !== null && Number.isFinite(p.lastLoss) ? p.lastLoss : null,
    order: [...p.order],
    optimizer: { t: p.optimizer.t, slots: Object.fromEntries([...p.optimizer.slots].map(([k, s]) => [k, s.map(float32ToBase64)])) },
    shuffler: { ...p.shuffler },
    dropout: { ...p.dropout },
    stopper: p.stopper ? { bestValue: Number.isFinite(p.stopper.bestValue) ? p.stopper.bestValue : null, bestAt: p.stopper.bestAt, wait: p.stopper.wait } : null,
    bestWeights: p.bestWeights ? toBase64(p.bestWeights) : null,
  };
  const head = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, runId: o.runId, documentPath: o.documentPath };
  return `${JSON.stringify(head).slice(0, -1)},\n"model": ${model},\n"trainer": ${JSON.stringify(trainer)}\n}\n`;
}

/** Reads checkpoint text; every problem names its place (`model.weights.rnn.kernel`, `trainer.order`). */
export function readCheckpointText(text: string): ReadCheckpointResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [{ path: '', message: `checkpoint: not valid JSON: ${describeJsonError(text, e)}` }] };
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) return { ok: false, errors: envelope.error.issues.map((i) => ({ path: formatPath(i.path), message: `${formatPath(i.path) || 'checkpoint'}: ${i.message}` })) };
  const model = readModel(envelope.data.model);
  if (!model.ok) return { ok: false, errors: model.errors.map((e) => ({ path: `model.${e.path}`, message: `model.${e.message}` })) };
  const t = envelope.data.trainer;
  const position: TrainerPosition = {
    epoch: t.epoch,
    step: t.step,
    lastLoss: t.lastLoss,
    order: t.order,
    weights: weightsToMap(model.model),
    optimizer: { t: t.optimizer.t, slots: new Map(Object.entries(t.optimizer.slots).map(([k, s]) => [k, s.map(base64ToFloat32)])) },
    shuffler: t.shuffler,
    dropout: t.dropout,
    stopper: t.stopper ? { bestValue: t.stopper.bestValue ?? Infinity, bestAt: t.stopper.bestAt, wait: t.stopper.wait } : null,
    bestWeights: t.bestWeights ? fromBase64(t.bestWeights) : null,
    history: model.model.training?.history ?? [],
  };
  return { ok: true, checkpoint: { runId: envelope.data.runId, documentPath: envelope.data.documentPath, model: model.model, position } };
}
