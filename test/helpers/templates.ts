/**
 * The shipped templates (templates/*.rnn.json) as tests use them: the graph, its dataset and its
 * resolved training settings; a dataset of the same kind with other params; and the trained
 * forward graph run over a whole dataset at once.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { compileGraph } from '../../engine/compiler/compile.ts';
import { loadDataset, type Dataset } from '../../engine/datasets/index.ts';
import { datasetFiles } from '../../engine/files/dataset-files.ts';
import { type Executor, float32, type Outputs, runOnce, type Tensor } from '../../engine/executors/index.ts';
import { parseGraphText } from '../../engine/graph/document.ts';
import { resolveTraining, type GraphDocument, type ResolvedTraining } from '../../engine/graph/schema.ts';
import type { Weights } from '../../engine/model/init.ts';
import { batchFeed, streamTypes } from '../../engine/trainer/batches.ts';

export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export interface Template {
  readonly graph: GraphDocument;
  readonly dataset: Dataset;
  readonly settings: ResolvedTraining;
}

/** Loads `templates/<file>`; fails the test with the parse or dataset error. */
export function loadTemplate(file: string): Template {
  const parsed = parseGraphText(readFileSync(`${TEMPLATES_DIR}${file}`, 'utf8'));
  if (!parsed.ok) assert.fail(`${file}: ${parsed.errors.map((e) => e.message).join('; ')}`);
  return { graph: parsed.graph, dataset: datasetOf(parsed.graph, {}), settings: resolveTraining(parsed.graph.training) };
}

/** The template's dataset with some params replaced (another seed, another length). */
export function datasetOf(graph: GraphDocument, params: Readonly<Record<string, unknown>>): Dataset {
  assert.ok(graph.dataset, `graph '${graph.name}' has no dataset`);
  const loaded = loadDataset({ type: graph.dataset.type, params: { ...graph.dataset.params, ...params } }, datasetFiles(TEMPLATES_DIR));
  if (!loaded.ok) assert.fail(loaded.error);
  return loaded.value;
}

/**
 * Runs the forward graph of `graph` with `weights` over every example of `dataset` as one batch.
 * Returns 'loss' and 'out:<output node>' ([T, N, C] for per-step outputs, [N, C] otherwise).
 */
export async function predict(executor: Executor, graph: GraphDocument, dataset: Dataset, weights: Weights): Promise<Outputs> {
  const compiled = compileGraph(graph, { steps: dataset.steps, batch: dataset.size, streams: streamTypes(dataset) });
  const rows = Array.from({ length: dataset.size }, (_, i) => i);
  const feeds: Record<string, Tensor> = { x: batchFeed(dataset.x, rows, dataset.steps), y: batchFeed(dataset.y, rows, dataset.steps) };
  for (const w of compiled.weights) {
    const data = weights.get(w.param);
    assert.ok(data, `no trained weight '${w.param}'`);
    feeds[w.param] = float32(w.shape, data);
  }
  return runOnce(executor, compiled.forward, feeds);
}

/** Every value of every weight is finite. */
export const allFinite = (weights: Weights): boolean => [...weights.values()].every((w) => w.every(Number.isFinite));

/** Deep copies of the weights (the trainer updates its arrays in place). */
export const copyWeights = (weights: ReadonlyMap<string, Float32Array>): Weights => new Map([...weights].map(([k, v]) => [k, Float32Array.from(v)]));
