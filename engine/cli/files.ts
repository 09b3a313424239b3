/** Reading the files the CLI is given, with errors that name the file and the place in it. */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { streamTypes } from '../trainer/batches.ts';
import { drive, type DriveOptions } from '../trainer/drive.ts';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../graph/diagnostics.ts';
import type { StreamTypes } from '../compiler/validate.ts';
import { loadDataset, loadDatasetWork, type Dataset } from '../datasets/index.ts';
import { datasetFiles } from '../files/dataset-files.ts';
import { describeJsonError, parseGraphText } from '../graph/document.ts';
import type { GraphDocument } from '../graph/schema.ts';
import { readModelText, type ModelFile } from '../model/file.ts';
import { UserError } from './errors.ts';

/**
 * The largest file the CLI reads: above any graph, model, input or history a person hands it,
 * and far below what would exhaust memory.
 */
export const MAX_INPUT_BYTES = 256 * 2 ** 20;

/**
 * A regular file's text. Devices (/dev/zero never ends), pipes (a FIFO blocks until someone
 * writes) and files over MAX_INPUT_BYTES are refused before a byte is read: the file is opened
 * without blocking and checked through the descriptor, so what is read is what was checked.
 */
export function readText(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw fileError(path, e);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new UserError(`${path}: is a directory`);
    if (!stat.isFile()) throw new UserError(`${path}: not a regular file (a device, pipe or socket); give the path of a file`);
    if (stat.size > MAX_INPUT_BYTES)
      throw new UserError(`${path}: ${(stat.size / 2 ** 20).toFixed(1)} MiB, larger than the ${MAX_INPUT_BYTES / 2 ** 20} MiB the command line reads`);
    // Up to the size checked, should the file grow meanwhile.
    const buffer = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, null);
      if (n === 0) break;
      read += n;
    }
    return buffer.toString('utf8', 0, read);
  } catch (e) {
    throw e instanceof UserError ? e : fileError(path, e);
  } finally {
    closeSync(fd);
  }
}

function fileError(path: string, e: unknown): UserError {
  const code = (e as NodeJS.ErrnoException).code;
  return new UserError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
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

/** The dataset `spec` of the graph file at `path`, generated in slices (see drive.ts): rejects with `o.signal`'s reason once stopped. */
export async function generateDatasetOf(spec: unknown, path: string, o: DriveOptions): Promise<Dataset> {
  const loaded = await drive(loadDatasetWork(spec, datasetFiles(dirname(path))), o);
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
