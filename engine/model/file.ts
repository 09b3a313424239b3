/**
 * The model file (`*.rnn-model.json`), version 1: the graph document plus its trained weights.
 *
 * Weights are stored per node and per name exactly as the blocks declare them, in the Keras layout
 * (kernel [in, G·H], recurrentKernel [H, G·H], bias [G·H]; LSTM gates i, f, c, o; GRU z, r, h, and a
 * [2, 3H] bias when resetAfter), row-major, so they load into Keras / TF.js as they are and into
 * PyTorch with the permutation docs/model-format.md spells out. Values are float32, written either
 * as decimal numbers that read back to the identical float32 ('json') or as little-endian float32
 * bytes in base64 ('base64'). Reading checks every count and value, so a damaged or hand-edited
 * file fails with a message naming the weight instead of loading garbage.
 */
import { z } from 'zod';
import type { WeightInfo } from '../compiler/compile.ts';
import { type DocumentError, describeJsonError, formatPath, parseGraph } from '../graph/document.ts';
import { DatasetSpec, GRAPH_FORMAT, GraphDocument, Id } from '../graph/schema.ts';
import { duplicateToken, normalisationProblem } from '../datasets/types.ts';

export const MODEL_FORMAT = 'rnn-studio.model';
export const MODEL_VERSION = 1;

/** Weight names as blocks declare them (kernel, recurrentKernel, bias, …): no dots, so `<node>.<name>` is unambiguous. */
export const WeightName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'weight names are 1–64 letters, digits or _, starting with a letter or _');

const WeightShape = z.array(z.int().min(1)).describe('Dimensions, outermost first; the values are stored row-major (last axis fastest).');

export const JsonWeight = z.strictObject({
  shape: WeightShape,
  data: z.array(z.number()).describe('Every value as a decimal number; read as a double and rounded to float32, it gives back the stored float32 exactly.'),
});

export const Base64Weight = z.strictObject({
  shape: WeightShape,
  base64: z
    .string()
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'not base64 (RFC 4648, standard alphabet, with padding)')
    .describe('Every value as 4 little-endian IEEE 754 float32 bytes, base64-encoded (RFC 4648, standard alphabet, with padding).'),
});

export const StoredWeight = z.union([JsonWeight, Base64Weight]);

export const TrainingRecord = z.strictObject({
  epochs: z.int().min(0).describe('Epochs completed.'),
  steps: z.int().min(0).describe('Optimizer steps taken (one per batch).'),
  finalLoss: z.number().nullable().describe('Mean training loss of the last epoch; null when none was measured (or it was not finite).'),
  dataset: DatasetSpec.optional().describe('The dataset the weights were trained on, as in the graph document.'),
  vocabulary: z
    .array(z.string())
    .superRefine((vocabulary, ctx) => {
      const twice = duplicateToken(vocabulary);
      if (twice) ctx.addIssue({ code: 'custom', message: `token ${JSON.stringify(twice.token)} appears twice (ids ${twice.first} and ${twice.second}); each id needs its own token` });
    })
    .optional()
    .describe('Token id → symbol, for models that read or predict tokens.'),
  normalisation: z
    .strictObject({ min: z.number(), max: z.number() })
    .superRefine((range, ctx) => {
      const why = normalisationProblem(range);
      if (why) ctx.addIssue({ code: 'custom', message: why });
    })
    .optional()
    .describe('Dense values were scaled to [-1, 1] from [min, max]: raw = min + (v + 1) / 2 · (max − min).'),
  seed: z.int().min(0).describe('The training seed.'),
  history: z
    .array(
      z.strictObject({
        epoch: z.int().min(1),
        loss: z.number().describe('Mean training loss of the epoch.'),
        metrics: z.record(z.string(), z.number()).describe('Epoch metrics by name (accuracy, …), over the training examples.'),
        validation: z.strictObject({ loss: z.number(), metrics: z.record(z.string(), z.number()) }).optional().describe('On the held-out examples, with the weights at the epoch\'s end.'),
      }),
    )
    .optional()
    .describe('Every epoch of the run, oldest first (epochs whose loss was not finite are left out). Files written before it was recorded have none.'),
  savedAt: z.iso.datetime({ offset: true }).describe('When the weights were saved (ISO 8601).'),
});

export const ModelFile = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  graph: GraphDocument,
  training: TrainingRecord.optional(),
  weights: z.record(Id, z.record(WeightName, StoredWeight)).describe('Node id → weight name → stored values.'),
});

export type ModelFile = z.infer<typeof ModelFile>;
export type StoredWeight = z.infer<typeof StoredWeight>;
export type TrainingRecord = z.infer<typeof TrainingRecord>;
export type WeightEncoding = 'base64' | 'json';
export type ReadModelResult = { ok: true; model: ModelFile } | { ok: false; errors: DocumentError[] };

/** The envelope, with the graph and each weight left to their own, more specific checks. */
const Envelope = ModelFile.extend({ graph: z.unknown(), weights: z.record(Id, z.record(WeightName, z.unknown())) });

/** MODEL_MIGRATIONS[n] turns a version-n model file into version n + 1 (none yet, as for graphs). */
export const MODEL_MIGRATIONS: Readonly<Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>> = {};

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const problem = (path: string, detail: string): DocumentError => ({ path, message: `${path || 'model'}: ${detail}` });
const fail = (path: string, detail: string): { ok: false; errors: DocumentError[] } => ({ ok: false, errors: [problem(path, detail)] });
const fmtShape = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Reads a model file from decoded JSON: the envelope, the embedded graph (with the graph parser,
 * errors prefixed `graph.`), and every weight (shape, count, values), each of which must belong to
 * a node of the graph. Whether the weights fit what the graph compiles to is checkWeightsAgainst's job.
 */
export function readModel(json: unknown): ReadModelResult {
  if (!isRecord(json)) return fail('', 'a model file is a JSON object');
  if (json.format !== MODEL_FORMAT) {
    const hint = json.format === GRAPH_FORMAT ? ' (this is a graph document, which has no weights: open it as a graph)' : '';
    return fail('format', `expected "${MODEL_FORMAT}", got ${JSON.stringify(json.format ?? null)}${hint}`);
  }
  const version = json.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return fail('version', `expected a positive integer, got ${JSON.stringify(version ?? null)}`);
  if (version > MODEL_VERSION)
    return fail('version', `this file is version ${version}, written by a newer RNN Studio; this one reads up to version ${MODEL_VERSION}`);
  let doc: Record<string, unknown> = json;
  for (let v = version; v < MODEL_VERSION; v++) {
    const step = MODEL_MIGRATIONS[v];
    if (!step) return fail('version', `no migration from version ${v}`);
    doc = { ...step(doc), version: v + 1 };
  }

  const errors: DocumentError[] = [];
  const graph = readEmbeddedGraph(doc.graph, errors);
  const envelope = Envelope.safeParse(doc);
  if (!envelope.success) for (const problem of envelope.error.issues.flatMap(issueProblems)) errors.push(problem);
  const nodes = graph ? new Set(graph.nodes.map((n) => n.id)) : undefined;
  if (isRecord(doc.weights)) {
    for (const [node, byName] of Object.entries(doc.weights)) {
      if (nodes && !nodes.has(node)) errors.push(problem(`weights.${node}`, `the graph has no node '${node}' for these weights`));
      if (isRecord(byName)) for (const [name, stored] of Object.entries(byName)) for (const problem of checkStoredWeight(`weights.${node}.${name}`, stored)) errors.push(problem);
    }
  }
  if (errors.length > 0 || !graph) return { ok: false, errors };

  // Everything above passed, so this only narrows the type; if it ever disagrees, say so rather than guess.
  const parsed = ModelFile.safeParse({ ...doc, graph });
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.flatMap(issueProblems) };
  return { ok: true, model: parsed.data };
}

function issueProblems(issue: z.core.$ZodIssue): DocumentError[] {
  const path = formatPath(issue.path);
  // A bad record key: say what a key must look like rather than zod's "Invalid key in record".
  if (issue.code === 'invalid_key') return [problem(path, `bad key: ${issue.issues.map((i) => i.message).join('; ')}`)];
  if (issue.code !== 'unrecognized_keys') return [problem(path, issue.message)];
  const known = path === '' ? ` (a model file has ${Object.keys(ModelFile.shape).join(', ')})` : '';
  return issue.keys.map((key) => problem(path, `unknown key ${JSON.stringify(key)}${known}`));
}

/** Reads model file text; a JSON syntax error names the line and column. */
export function readModelText(text: string): ReadModelResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail('', `not valid JSON: ${describeJsonError(text, e)}`);
  }
  return readModel(json);
}

function readEmbeddedGraph(json: unknown, errors: DocumentError[]): GraphDocument | undefined {
  if (json === undefined) {
    errors.push(problem('graph', 'required: the graph document the weights belong to'));
    return undefined;
  }
  const parsed = parseGraph(json);
  if (parsed.ok) return parsed.graph;
  for (const e of parsed.errors) {
    // parseGraph's messages start with their path (or 'document' for the whole document).
    const message = e.path === '' ? `graph: ${e.message.replace(/^document: /, '')}` : `graph.${e.message}`;
    errors.push({ path: e.path === '' ? 'graph' : `graph.${e.path}`, message });
  }
  return undefined;
}

/** Checks one stored weight: its keys, shape, value count and that every value is a finite float32. */
function checkStoredWeight(path: string, w: unknown): DocumentError[] {
  if (!isRecord(w)) return [problem(path, `expected { "shape": [...], "data": [...] } or { "shape": [...], "base64": "..." }, got ${describe(w)}`)];
  const errors = Object.keys(w)
    .filter((k) => k !== 'shape' && k !== 'data' && k !== 'base64')
    .map((k) => problem(`${path}.${k}`, 'unknown key (a weight has "shape" and either "data" or "base64")'));
  const { shape, data, base64 } = w;
  if (!Array.isArray(shape)) errors.push(problem(`${path}.shape`, `expected an array of positive integers, got ${describe(shape)}`));
  else
    for (const [i, d] of shape.entries())
      if (!(typeof d === 'number' && Number.isSafeInteger(d) && d >= 1)) errors.push(problem(`${path}.shape[${i}]`, `expected a positive integer, got ${describe(d)}`));
  if (data !== undefined && base64 !== undefined) errors.push(problem(path, 'has both "data" and "base64"; keep one'));
  if (data === undefined && base64 === undefined) errors.push(problem(path, 'needs "data" (an array of numbers) or "base64" (float32 bytes)'));
  if (errors.length > 0 || !Array.isArray(shape)) return errors;

  const count = sizeOf(shape as number[]);
  const what = `shape ${fmtShape(shape as number[])}`;
  if (data !== undefined) {
    if (!Array.isArray(data)) return [problem(`${path}.data`, `expected an array of numbers, got ${describe(data)}`)];
    if (data.length !== count) return [problem(`${path}.data`, `expected ${count} values for ${what}, got ${data.length}`)];
    let first = -1;
    let bad = 0;
    for (let i = 0; i < data.length; i++) {
      const v: unknown = data[i];
      if (typeof v === 'number' && Number.isFinite(Math.fround(v))) continue;
      if (bad++ === 0) first = i;
    }
    if (bad === 0) return [];
    const v: unknown = data[first];
    const why =
      v === null
        ? 'null is not a number (JSON has no NaN or Infinity and writes them as null: the weights were not finite when saved)'
        : typeof v === 'number'
          ? `${v} is outside the float32 range (about ±3.4028235e38)`
          : `expected a number, got ${describe(v)}`;
    return [problem(`${path}.data[${first}]`, `${why}${bad > 1 ? ` (and ${bad - 1} more bad values)` : ''}`)];
  }
  if (typeof base64 !== 'string') return [problem(`${path}.base64`, `expected a base64 string, got ${describe(base64)}`)];
  const malformed = describeBase64Problem(base64);
  if (malformed) return [problem(`${path}.base64`, malformed)];
  const bytes = (base64.length / 4) * 3 - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
  if (bytes !== 4 * count) return [problem(`${path}.base64`, `decodes to ${bytes} bytes; ${what} needs ${4 * count} (${count} float32 values × 4 bytes)`)];
  const values = base64ToFloat32(base64);
  const bad = values.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) return [problem(`${path}.base64`, `value ${bad} is ${values[bad]}; weights must be finite`)];
  return [];
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * Weights read from a model file: values by IR param name `<node>.<name>`, plus the shape each
 * was stored with, so checkWeightsAgainst can tell a [2, 128] kernel from an [8, 32] one.
 */
export class ModelWeights extends Map<string, Float32Array> {
  readonly shapes = new Map<string, readonly number[]>();
}

/** The values of every weight, keyed by IR param name `<node>.<name>`. Throws on a weight readModel would reject. */
export function weightsToMap(model: ModelFile): ModelWeights {
  const out = new ModelWeights();
  for (const [node, byName] of Object.entries(model.weights)) {
    for (const [name, stored] of Object.entries(byName)) {
      const values = 'data' in stored ? Float32Array.from(stored.data) : base64ToFloat32(stored.base64);
      if (values.length !== sizeOf(stored.shape)) throw new Error(`weights.${node}.${name}: ${values.length} values for shape ${fmtShape(stored.shape)}`);
      out.set(`${node}.${name}`, values);
      out.shapes.set(`${node}.${name}`, stored.shape);
    }
  }
  return out;
}

/**
 * What stands between `weights` and the weights a compiled graph expects, one message per
 * problem: a missing weight, a weight the graph does not use, a shape mismatch (expected vs
 * actual). Shapes are compared exactly when `weights` came from weightsToMap (a ModelWeights);
 * a plain map of flat arrays can only be checked for its value counts. Empty: they fit.
 */
export function checkWeightsAgainst(expected: readonly WeightInfo[], weights: ReadonlyMap<string, Float32Array>): string[] {
  const problems: string[] = [];
  const shapes = weights instanceof ModelWeights ? weights.shapes : undefined;
  for (const w of expected) {
    const values = weights.get(w.param);
    const need = `${fmtShape(w.shape)} (${sizeOf(w.shape)} values)`;
    if (values === undefined) {
      problems.push(`weights.${w.param}: missing; the graph needs a float32 ${need}`);
      continue;
    }
    const shape = shapes?.get(w.param);
    const fits = shape ? shape.length === w.shape.length && shape.every((d, i) => d === w.shape[i]) : values.length === sizeOf(w.shape);
    if (!fits) problems.push(`weights.${w.param}: shape mismatch: the graph expects ${need}, the model has ${shape ? `${fmtShape(shape)} (${values.length} values)` : `${values.length} values`}`);
  }
  const wanted = new Set(expected.map((w) => w.param));
  for (const param of weights.keys()) {
    if (wanted.has(param)) continue;
    const node = param.slice(0, param.indexOf('.'));
    const names = expected.filter((w) => w.node === node).map((w) => w.name);
    problems.push(`weights.${param}: the graph does not use this weight (${names.length > 0 ? `node '${node}' has ${names.join(', ')}` : `node '${node}' has no weights in this graph`})`);
  }
  return problems;
}

/** Thrown by writeModel when the weights cannot be saved as they are (listed in `problems`). */
export class ModelWriteError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`cannot save the model: ${problems.join('; ')}`);
    this.name = 'ModelWriteError';
  }
}

export interface WriteModelOptions {
  readonly graph: GraphDocument;
  /** Keyed by IR param name, as initWeights and the trainer hold them. */
  readonly weights: ReadonlyMap<string, Float32Array>;
  /** The compiled graph's weights: which to write, in which order, with which shapes. */
  readonly weightInfo: readonly WeightInfo[];
  readonly training?: TrainingRecord;
  readonly encoding: WeightEncoding;
}

/**
 * The canonical text of a model file: two-space JSON ending in a newline; the graph as
 * serializeGraph writes it, weights grouped by node in weightInfo order, each `data` array on one
 * line per innermost row. Throws ModelWriteError when a weight is missing, extra, mis-sized or
 * not finite (a file that readModel would refuse is never written).
 */
export function writeModel(opts: WriteModelOptions): string {
  const graph = GraphDocument.parse(opts.graph);
  const nodes = new Set(graph.nodes.map((n) => n.id));
  const problems = checkWeightsAgainst(opts.weightInfo, opts.weights);
  for (const w of opts.weightInfo) {
    if (!nodes.has(w.node)) problems.push(`weights.${w.param}: the graph has no node '${w.node}'`);
    const bad = opts.weights.get(w.param)?.findIndex((v) => !Number.isFinite(v)) ?? -1;
    if (bad >= 0) problems.push(`weights.${w.param}: value ${bad} is ${opts.weights.get(w.param)?.[bad]} (did training diverge?)`);
  }
  if (problems.length > 0) throw new ModelWriteError(problems);

  const byNode = new Map<string, WeightInfo[]>();
  for (const w of opts.weightInfo) byNode.set(w.node, [...(byNode.get(w.node) ?? []), w]);
  const nodeTexts = [...byNode].map(([node, infos]) => {
    const entries = infos.map((w) => `      ${JSON.stringify(w.name)}: ${storedText(w.shape, opts.weights.get(w.param)!, opts.encoding)}`);
    return `    ${JSON.stringify(node)}: {\n${entries.join(',\n')}\n    }`;
  });
  const indent = (value: unknown) => JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
  const lines = [
    `  "format": ${JSON.stringify(MODEL_FORMAT)}`,
    `  "version": ${MODEL_VERSION}`,
    `  "graph": ${indent(graph)}`,
    ...(opts.training ? [`  "training": ${indent(trainingRecord(opts.training))}`] : []),
    `  "weights": ${nodeTexts.length > 0 ? `{\n${nodeTexts.join(',\n')}\n  }` : '{}'}`,
  ];
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** The record as written: a loss that is not finite (JSON cannot hold it) is written as null, and its epoch is left out of the history. */
function trainingRecord(t: TrainingRecord): TrainingRecord {
  const finalLoss = t.finalLoss !== null && Number.isFinite(t.finalLoss) ? t.finalLoss : null;
  const finite = (metrics: Record<string, number>) => Object.fromEntries(Object.entries(metrics).filter(([, v]) => Number.isFinite(v)));
  const history = t.history
    ?.filter((e) => Number.isFinite(e.loss))
    .map(({ validation, ...e }) => ({
      ...e,
      metrics: finite(e.metrics),
      ...(validation && Number.isFinite(validation.loss) ? { validation: { loss: validation.loss, metrics: finite(validation.metrics) } } : {}),
    }));
  return TrainingRecord.parse({ ...t, finalLoss, ...(history ? { history } : {}) });
}

/** One weight at indent level 3: `{ shape, data | base64 }`, data rows of the innermost axis per line. */
function storedText(shape: readonly number[], values: Float32Array, encoding: WeightEncoding): string {
  const pad = '        ';
  const shapeLine = `${pad}"shape": ${fmtShape(shape)}`;
  if (encoding === 'base64') return `{\n${shapeLine},\n${pad}"base64": "${float32ToBase64(values)}"\n      }`;
  const numbers = Array.from(values, formatFloat32);
  if (shape.length <= 1) return `{\n${shapeLine},\n${pad}"data": [${numbers.join(', ')}]\n      }`;
  const width = shape[shape.length - 1];
  const rows: string[] = [];
  for (let i = 0; i < numbers.length; i += width) rows.push(`${pad}  ${numbers.slice(i, i + width).join(', ')}`);
  return `{\n${shapeLine},\n${pad}"data": [\n${rows.join(',\n')}\n${pad}]\n      }`;
}

// ── float32 values as text ───────────────────────────────────────────────────────────────────

/**
 * The shortest decimal that, read as a double and rounded to float32 (what Float32Array and
 * numpy.float32(float(s)) do), gives back exactly the float32 `v`: 0.1f prints as 0.1, not
 * 0.10000000149011612. Nine significant digits always suffice. −0 keeps its sign.
 * `v` must be a finite float32 value (as read from a Float32Array).
 */
export function formatFloat32(v: number): string {
  if (Object.is(v, -0)) return '-0';
  for (let digits = 1; digits < 9; digits++) {
    const shortest = Number(v.toPrecision(digits));
    if (Math.fround(shortest) === v) return String(shortest);
  }
  return String(Number(v.toPrecision(9)));
}

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Character code → digit value, −1 for anything that is not a base64 digit. */
const DIGIT_VALUE = Int8Array.from({ length: 128 }, (_, code) => DIGITS.indexOf(String.fromCharCode(code)));
const digitAt = (text: string, i: number) => DIGIT_VALUE[text.charCodeAt(i)] ?? -1;

/** float32 values as little-endian IEEE 754 bytes (whatever the machine's byte order), base64-encoded with padding. */
export function float32ToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const left = bytes.length - i;
    out.push(DIGITS[n >> 18], DIGITS[(n >> 12) & 63], left > 1 ? DIGITS[(n >> 6) & 63] : '=', left > 2 ? DIGITS[n & 63] : '=');
  }
  return out.join('');
}

/** Why `text` is not padded standard base64, or undefined when it is. */
export function describeBase64Problem(text: string): string | undefined {
  const padding = text.indexOf('=');
  const body = padding < 0 ? text : text.slice(0, padding);
  for (let i = 0; i < body.length; i++)
    if (digitAt(body, i) < 0) return `not base64: character ${i + 1} is ${JSON.stringify(body[i])} (allowed: A–Z, a–z, 0–9, +, / and = at the end)`;
  if (padding >= 0 && !/^={1,2}$/.test(text.slice(padding))) return `not base64: "=" may only pad the end (at most two)`;
  if (text.length % 4 !== 0) return `not base64: its length ${text.length} is not a multiple of 4 (pad the end with "=")`;
  return undefined;
}

/**
 * Decodes little-endian float32 values from base64. Throws when the text is not base64 or its
 * bytes are not a whole number of float32 values.
 */
export function base64ToFloat32(text: string): Float32Array {
  const problem = describeBase64Problem(text);
  if (problem) throw new Error(problem);
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  if (bytes.length % 4 !== 0) throw new Error(`base64 decodes to ${bytes.length} bytes, not a whole number of float32 values (4 bytes each)`);
  for (let i = 0, o = 0; i < text.length; i += 4) {
    const n = (digitAt(text, i) << 18) | (digitAt(text, i + 1) << 12) | (Math.max(0, digitAt(text, i + 2)) << 6) | Math.max(0, digitAt(text, i + 3));
    for (const shift of [16, 8, 0]) if (o < bytes.length) bytes[o++] = (n >> shift) & 255;
  }
  const view = new DataView(bytes.buffer);
  return Float32Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
}
