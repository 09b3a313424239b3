/**
 * What can be done with the weights of a finished run: predict on new inputs, sample text from a
 * character model, decode with an encoder–decoder, and export a model file.
 */
import type { Budgets } from '../compiler/budgets.ts';
import type { WeightInfo } from '../compiler/compile.ts';
import { CompileError } from '../graph/diagnostics.ts';
import { decoderSource } from '../blocks/roles.ts';
import { DECODER_STREAM } from '../blocks/types.ts';
import type { DatasetSpec, GraphDocument } from '../graph/schema.ts';
import type { Executor } from '../executors/index.ts';
import { greedyDecode } from '../inference/decode.ts';
import { InputError, predict } from '../inference/predict.ts';
import { sample } from '../inference/sample.ts';
import { ModelWriteError, type TrainingRecord, writeModel } from '../model/file.ts';
import type { Weights } from '../model/init.ts';
import type { OpenedRun, Params, Result } from '../protocol/messages.ts';
import type { TrainerPosition } from '../trainer/position.ts';
import type { TrainResult } from '../trainer/train.ts';
import { RequestError } from './errors.ts';

export interface TrainedRun {
  readonly runId: string;
  readonly graph: GraphDocument;
  readonly weights: Weights;
  readonly weightInfo: readonly WeightInfo[];
  readonly history: TrainResult['history'];
  readonly end: TrainResult['end'];
  readonly dataset: DatasetSpec | undefined;
  readonly vocabulary: readonly string[] | undefined;
  readonly normalisation: { min: number; max: number } | undefined;
  readonly seed: number;
  /** Opened from a checkpoint: where the interrupted run stood, to go on from exactly, and the checkpoint's id. */
  readonly resume?: { readonly position: TrainerPosition; readonly checkpoint: string; readonly documentPath: string | null };
}

/**
 * A mistake in the request's input (a wrong shape, a character outside the vocabulary) names
 * where it is; so does asking a model for what it cannot do (generating text step by step with a
 * block that reads the sequence backward).
 */
async function userInput<T>(what: () => Promise<T>): Promise<T> {
  try {
    return await what();
  } catch (e) {
    if (e instanceof InputError || e instanceof CompileError) throw new RequestError('bad-message', e.message);
    throw e;
  }
}

export function predictWith(run: TrainedRun, input: unknown, executor: Executor, budgets?: Pick<Budgets, 'inputSteps'>): Promise<Result<'predict'>> {
  return userInput(async () => ({ outputs: (await predict(run.graph, run.weights, input, executor, budgets)).outputs }));
}

export function sampleWith(
  run: TrainedRun,
  o: { length: number; temperature: number; topK: number; reject: string[]; prime: string; seed: number },
  executor: Executor,
  budgets?: Pick<Budgets, 'inputSteps'>,
): Promise<Result<'sample'>> {
  const vocabulary = run.vocabulary;
  if (!vocabulary) throw new RequestError('bad-message', `run '${run.runId}' was not trained on text, so there is no vocabulary to sample from`);
  return userInput(async () => ({ text: await sample(run.graph, run.weights, vocabulary, o, executor, budgets) }));
}

/** The token every decoder starts from (sequence-copy's id 0). */
const START_TOKEN = '<s>';

/**
 * The source as vocabulary tokens: a list is taken as is; a string is read one character per
 * token, which needs every token but the start token to be a single character.
 */
export function sourceTokens(source: string | readonly string[], vocabulary: readonly string[]): string[] {
  if (typeof source !== 'string') return [...source];
  const long = vocabulary.filter((v) => v !== START_TOKEN && [...v].length !== 1);
  if (long.length > 0)
    throw new RequestError('bad-message', `source: this vocabulary has tokens longer than one character (${long.slice(0, 3).map((v) => `'${v}'`).join(', ')}), so the source must be a list of tokens, not a string`);
  return [...source];
}

export function decodeWith(run: TrainedRun, o: Omit<Params<'decode'>, 'runId'>, executor: Executor): Promise<Result<'decode'>> {
  if (!decoderSource(run.graph)) throw new RequestError('bad-message', `run '${run.runId}' is not an encoder–decoder: no input block reads the stream '${DECODER_STREAM}', so there is nothing to decode with`);
  const vocabulary = run.vocabulary;
  if (!vocabulary) throw new RequestError('bad-message', `run '${run.runId}' was not trained on tokens with a vocabulary, so a source cannot be read`);
  const startToken = vocabulary.indexOf(START_TOKEN);
  if (startToken < 0) throw new RequestError('bad-message', `run '${run.runId}': the dataset's vocabulary has no start token '${START_TOKEN}' for the decoder to begin with`);

  const tokens = sourceTokens(o.source, vocabulary);
  const ids = tokens.map((token, i) => {
    const id = vocabulary.indexOf(token);
    if (id < 0) throw new RequestError('bad-message', `source[${i}]: '${token}' is not in the run's vocabulary (${vocabulary.map((v) => `'${v}'`).join(', ')})`);
    return id;
  });
  const maxSteps = o.maxSteps ?? ids.length;
  return userInput(async () => {
    const decoded = await greedyDecode(run.graph, run.weights, [ids], { maxSteps, startToken }, executor);
    return {
      source: tokens,
      tokens: decoded.tokens[0].map((id) => vocabulary[id] ?? `#${id}`),
      ended: decoded.ended[0],
      attention: Object.entries(decoded.attention).map(([block, perExample]) => ({ block, weights: perExample[0] })),
    };
  });
}

/** A file name from the graph's name: letters and digits of any script, joined by '-'. */
export function suggestedModelName(graph: GraphDocument, ending = '.rnn-model.json'): string {
  const stem = graph.name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 80);
  return `${stem || 'model'}${ending}`;
}

/** What a model file (and an export's metadata) records of how the run trained. */
export function trainingRecordOf(run: TrainedRun): TrainingRecord {
  return {
    epochs: run.end.epochs,
    steps: run.end.steps,
    finalLoss: run.history.at(-1)?.loss ?? null,
    dataset: run.dataset,
    vocabulary: run.vocabulary ? [...run.vocabulary] : undefined,
    normalisation: run.normalisation,
    seed: run.seed,
    history: run.history.map((e) => ({ ...e, metrics: { ...e.metrics } })),
    savedAt: new Date().toISOString(),
  };
}

export function exportModel(run: TrainedRun): Result<'model.export'> {
  try {
    const text = writeModel({ graph: run.graph, weights: run.weights, weightInfo: run.weightInfo, encoding: 'base64', training: trainingRecordOf(run) });
    return { text, suggestedName: suggestedModelName(run.graph) };
  } catch (e) {
    if (e instanceof ModelWriteError) throw new RequestError('internal', `run '${run.runId}' cannot be exported: ${e.message}`);
    throw e;
  }
}

/** What the client is told about a run made from a file. */
export function openedRunOf(run: TrainedRun): OpenedRun {
  return {
    runId: run.runId,
    graph: run.graph,
    documentPath: run.resume?.documentPath ?? null,
    epochs: run.end.epochs,
    steps: run.end.steps,
    loss: run.end.loss,
    history: run.history.map((e) => ({ epoch: e.epoch, loss: e.loss, metrics: { ...e.metrics }, ...(e.validation ? { validation: { loss: e.validation.loss, metrics: { ...e.validation.metrics } } } : {}) })),
    resumable: run.resume !== undefined,
  };
}
