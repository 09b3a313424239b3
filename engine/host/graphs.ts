/**
 * Graphs as requests carry them: JSON parsed with the graph schema, the dataset generated with its
 * files resolved against the document's folder (whole, or cut to one example to check the graph
 * against it), and the diagnostics of both in protocol form.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Diagnostic as EngineDiagnostic } from '../graph/diagnostics.ts';
import { type Budgets, DEFAULT_BUDGETS } from '../compiler/budgets.ts';
import { analyzeGraph } from '../compiler/validate.ts';
import { loadDataset, loadDatasetWork, probeDataset, type Dataset } from '../datasets/index.ts';
import { datasetFiles } from '../files/dataset-files.ts';
import type { PathPolicy } from '../files/path-policy.ts';
import { parseGraph } from '../graph/document.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { Diagnostic } from '../protocol/messages.ts';
import { streamTypes } from '../trainer/batches.ts';
import { drive, type DriveOptions } from '../trainer/drive.ts';
import { RequestError } from './errors.ts';

/**
 * Where a document's relative paths (a text dataset's file) resolve: the document's folder, else
 * the workspace. The folder is not trusted: the path policy the dataset reads through refuses
 * anything outside the allowed folders, whatever documentPath a client sends.
 */
export function baseDirFor(documentPath: string | null, workspace: string | null): string {
  const root = workspace ?? process.cwd();
  if (documentPath === null) return root;
  return dirname(isAbsolute(documentPath) ? documentPath : resolve(root, documentPath));
}

/** Parses graph JSON; throws 'invalid-graph' naming the JSON path of every problem. */
export function parseGraphParam(json: unknown): GraphDocument {
  const parsed = parseGraph(json);
  if (parsed.ok) return parsed.graph;
  const shown = parsed.errors.slice(0, 5).map((e) => e.message);
  const more = parsed.errors.length > shown.length ? ` (and ${parsed.errors.length - shown.length} more)` : '';
  throw new RequestError('invalid-graph', `the graph document does not parse: ${shown.join('; ')}${more}`);
}

export type DatasetLoad = { ok: true; dataset: Dataset | undefined } | { ok: false; error: string };

/** Where a request's dataset files resolve (`baseDir`) and which folders they may be read from. */
export interface DatasetPlace {
  readonly baseDir: string;
  readonly policy: PathPolicy;
}

/** The graph's dataset (undefined when it has none), or the reason it could not be built. */
export function datasetOf(graph: GraphDocument, place: DatasetPlace): DatasetLoad {
  if (!graph.dataset) return { ok: true, dataset: undefined };
  const loaded = loadDataset(graph.dataset, datasetFiles(place.baseDir, place.policy));
  return loaded.ok ? { ok: true, dataset: loaded.value } : { ok: false, error: loaded.error };
}

/** datasetOf cut to one example (see probeDataset): its streams, and any error in its params or files. */
export function probeDatasetOf(graph: GraphDocument, place: DatasetPlace): DatasetLoad {
  if (!graph.dataset) return { ok: true, dataset: undefined };
  const loaded = probeDataset(graph.dataset, datasetFiles(place.baseDir, place.policy));
  return loaded.ok ? { ok: true, dataset: loaded.value } : { ok: false, error: loaded.error };
}

/**
 * The graph's whole dataset, generated in slices (see drive.ts): rejects with `o.signal`'s reason
 * once stopped, and with 'dataset' naming the field that is wrong.
 */
export async function generateDatasetOf(spec: unknown, place: DatasetPlace, o: DriveOptions): Promise<Dataset> {
  const loaded = await drive(loadDatasetWork(spec, datasetFiles(place.baseDir, place.policy)), o);
  if (!loaded.ok) throw new RequestError('dataset', loaded.error);
  return loaded.value;
}

/** The dataset, or 'dataset' naming the field that is wrong. */
export function requireDatasetOf(graph: GraphDocument, place: DatasetPlace): Dataset | undefined {
  const loaded = datasetOf(graph, place);
  if (!loaded.ok) throw new RequestError('dataset', loaded.error);
  return loaded.dataset;
}

export function toProtocolDiagnostic(d: EngineDiagnostic): Diagnostic {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.nodeId !== undefined ? { nodeId: d.nodeId } : {}),
    ...(d.port !== undefined ? { port: d.port } : {}),
    ...(d.edgeId !== undefined ? { edgeId: d.edgeId } : {}),
  };
}

/**
 * Every diagnostic of the graph; a dataset that cannot be built is one more (code 'dataset').
 * `load` builds the dataset the graph is checked against (the whole one by default).
 */
export function diagnose(
  graph: GraphDocument,
  place: DatasetPlace,
  budgets: Pick<Budgets, 'parameters'> = DEFAULT_BUDGETS,
  load: (graph: GraphDocument, place: DatasetPlace) => DatasetLoad = datasetOf,
): { diagnostics: Diagnostic[]; dataset: Dataset | undefined } {
  const loaded = load(graph, place);
  const dataset = loaded.ok ? loaded.dataset : undefined;
  const diagnostics = analyzeGraph(graph, dataset ? streamTypes(dataset) : {}, budgets).diagnostics.map(toProtocolDiagnostic);
  if (!loaded.ok) diagnostics.unshift({ severity: 'error', code: 'dataset', message: loaded.error });
  return { diagnostics, dataset };
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean => diagnostics.some((d) => d.severity === 'error');

/** 'graph-has-errors' naming the first error and how many there are. */
export function graphHasErrors(diagnostics: readonly Diagnostic[]): RequestError {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const where = first?.nodeId ? ` at node '${first.nodeId}'` : '';
  return new RequestError(
    'graph-has-errors',
    `the graph has ${errors.length} error${errors.length === 1 ? '' : 's'}${first ? `; the first${where}: ${first.message}` : ''}`,
  );
}
