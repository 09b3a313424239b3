/** Reading the files the CLI is given, with errors that name the file and the place in it. */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { streamTypes } from '../trainer/batches.ts';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../graph/diagnostics.ts';
import type { StreamTypes } from '../compiler/validate.ts';
import { loadDataset, type Dataset } from '../datasets/index.ts';
import { datasetFiles } from '../files/dataset-files.ts';
import { describeJsonError, parseGraphText } from '../graph/document.ts';
import type { GraphDocument } from '../graph/schema.ts';
import { readModelText, type ModelFile } from '../model/file.ts';
import { UserError } from './errors.ts';

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
}

export function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: not valid JSON: ${describeJsonError(text, e)}`);
  }
}

export function readGraph(path: string): GraphDocument {
  const parsed = parseGraphText(readText(path));
  if (!parsed.ok) throw new UserError(`${path}: ${parsed.errors[0].message}`, parsed.errors.slice(1).map((e) => `${path}: ${e.message}`));
  return parsed.graph;
}

export function readModel(path: string): ModelFile {
  const parsed = readModelText(readText(path));
  if (!parsed.ok) throw new UserError(`${path}: ${parsed.errors[0].message}`, parsed.errors.slice(1).map((e) => `${path}: ${e.message}`));
  return parsed.model;
}

/** The graph's dataset, generated; relative paths resolve against the graph file's folder. */
export function datasetOf(graph: GraphDocument, path: string): Dataset | undefined {
  if (!graph.dataset) return undefined;
  const loaded = loadDataset(graph.dataset, datasetFiles(dirname(path)));
  if (!loaded.ok) throw new UserError(`${path}: ${loaded.error}`);
  return loaded.value;
}

export const streamsOf = (d: Dataset | undefined): StreamTypes => (d ? streamTypes(d) : {});

/** Throws a UserError listing every error diagnostic, one line each, naming the file and node. */
export function failOnErrors(path: string, diagnostics: readonly Diagnostic[]): void {
  if (!hasErrors(diagnostics)) return;
  const lines = diagnostics.filter((d) => d.severity === 'error').map((d) => `${path}: ${formatDiagnostic(d)}`);
  throw new UserError(lines[0], lines.slice(1));
}
