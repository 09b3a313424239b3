/**
 * What can be done with the weights of a finished run: predict on new inputs, sample text from a
 * character model, and export a model file.
 */
import type { WeightInfo } from '../compiler/compile.ts';
import { CompileError } from '../compiler/diagnostics.ts';
import type { DatasetSpec, GraphDocument } from '../graph/schema.ts';
import type { Executor } from '../executors/index.ts';
import { InputError, predict } from '../inference/predict.ts';
import { sample } from '../inference/sample.ts';
import { ModelWriteError, writeModel } from '../model/file.ts';
import type { Weights } from '../model/init.ts';
import type { Result } from '../protocol/messages.ts';
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

export function predictWith(run: TrainedRun, input: unknown, executor: Executor): Promise<Result<'predict'>> {
  return userInput(async () => ({ outputs: (await predict(run.graph, run.weights, input, executor)).outputs }));
}

export function sampleWith(run: TrainedRun, o: { length: number; temperature: number; topK: number; reject: string[]; prime: string; seed: number }, executor: Executor): Promise<Result<'sample'>> {
  const vocabulary = run.vocabulary;
  if (!vocabulary) throw new RequestError('bad-message', `run '${run.runId}' was not trained on text, so there is no vocabulary to sample from`);
  return userInput(async () => ({ text: await sample(run.graph, run.weights, vocabulary, o, executor) }));
}

/** A file name from the graph's name: letters and digits of any script, joined by '-'. */
export function suggestedModelName(graph: GraphDocument): string {
  const stem = graph.name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 80);
  return `${stem || 'model'}.rnn-model.json`;
}

export function exportModel(run: TrainedRun): Result<'model.export'> {
  try {
    const text = writeModel({
      graph: run.graph,
      weights: run.weights,
      weightInfo: run.weightInfo,
      encoding: 'base64',
      training: {
        epochs: run.end.epochs,
        steps: run.end.steps,
        finalLoss: run.history.at(-1)?.loss ?? null,
        dataset: run.dataset,
        vocabulary: run.vocabulary ? [...run.vocabulary] : undefined,
        normalisation: run.normalisation,
        seed: run.seed,
        savedAt: new Date().toISOString(),
      },
    });
    return { text, suggestedName: suggestedModelName(run.graph) };
  } catch (e) {
    if (e instanceof ModelWriteError) throw new RequestError('internal', `run '${run.runId}' cannot be exported: ${e.message}`);
    throw e;
  }
}
