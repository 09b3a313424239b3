/**
 * Finished runs made from files: a model file the user opened, or the checkpoint of a run a crash
 * interrupted. Either becomes a TrainedRun the host keeps like one it trained, once its weights
 * are checked against what its graph compiles to.
 */
import type { Budgets } from '../compiler/budgets.ts';
import { compileGraph, type WeightInfo } from '../compiler/compile.ts';
import { CompileError } from '../graph/diagnostics.ts';
import type { Checkpoint } from '../model/checkpoint.ts';
import { checkWeightsAgainst, type ModelFile, readModelText, weightsToMap } from '../model/file.ts';
import { resolveTraining } from '../graph/schema.ts';
import type { Weights } from '../model/init.ts';
import { RequestError } from './errors.ts';
import type { TrainedRun } from './trained.ts';

const SHOWN_PROBLEMS = 5;

function listed(problems: readonly string[]): string {
  const more = problems.length - SHOWN_PROBLEMS;
  return problems.slice(0, SHOWN_PROBLEMS).join('; ') + (more > 0 ? `; and ${more} more` : '');
}

/** The weights the model's graph compiles to, checked against the stored ones. */
function checkedWeightInfo(model: ModelFile, weights: Weights, budgets: Budgets | undefined, what: string): readonly WeightInfo[] {
  let info: readonly WeightInfo[];
  try {
    info = compileGraph(model.graph, { steps: 1, batch: 1, budgets }).weights;
  } catch (e) {
    if (e instanceof CompileError) throw new RequestError('graph-has-errors', `${what}: its graph does not compile: ${listed(e.diagnostics.map((d) => d.message))}`);
    throw e;
  }
  const problems = checkWeightsAgainst(info, weights);
  if (problems.length > 0) throw new RequestError('invalid-graph', `${what}: the weights do not fit the graph: ${listed(problems)}`);
  return info;
}

function runOf(runId: string, model: ModelFile, weights: Weights, weightInfo: readonly WeightInfo[], message: string): TrainedRun {
  const t = model.training;
  return {
    runId,
    graph: model.graph,
    weights,
    weightInfo,
    history: t?.history ?? [],
    end: { type: 'end', reason: 'completed', message, epochs: t?.epochs ?? 0, steps: t?.steps ?? 0, loss: t?.finalLoss ?? null },
    dataset: t?.dataset ?? model.graph.dataset,
    vocabulary: t?.vocabulary,
    normalisation: t?.normalisation,
    seed: t?.seed ?? resolveTraining(model.graph.training).seed,
  };
}

/** A model file's text as a finished run; a file that does not read says where (the first few problems). */
export function runFromModelText(runId: string, text: string, budgets?: Budgets): TrainedRun {
  const read = readModelText(text);
  if (!read.ok) throw new RequestError('invalid-graph', `the model file does not read: ${listed(read.errors.map((e) => e.message))}`);
  const weights = weightsToMap(read.model);
  const weightInfo = checkedWeightInfo(read.model, weights, budgets, 'the model file');
  return runOf(runId, read.model, weights, weightInfo, 'opened from a model file');
}

/** A checkpoint as a finished run that training goes on from exactly. */
export function runFromCheckpoint(runId: string, id: string, checkpoint: Checkpoint, budgets?: Budgets): TrainedRun {
  const { model, position } = checkpoint;
  const weightInfo = checkedWeightInfo(model, position.weights, budgets, `checkpoint '${id}'`);
  return {
    ...runOf(runId, model, position.weights, weightInfo, `interrupted after epoch ${position.epoch}; opened from its checkpoint`),
    resume: { position, checkpoint: id, documentPath: checkpoint.documentPath },
  };
}
