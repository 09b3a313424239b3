/**
 * Running a trained graph on new data. Inputs come batch-major as people write them
 * (batch × time × features, batch × time token ids, or batch × features for non-sequence
 * inputs), keyed by input node id.
 */
import { z } from 'zod';
import { sources } from '../blocks/roles.ts';
import { type Budgets, checkInputSteps, DEFAULT_BUDGETS } from '../compiler/budgets.ts';
import { compileGraph } from '../compiler/compile.ts';
import { sourceFeed } from '../compiler/lower.ts';
import { type Executor, float32, runOnce, type Tensor, tensorOf } from '../executors/index.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { Weights } from '../model/init.ts';

export class InputError extends Error {}

/** Checked element by element in inputFeeds, so errors can name the example and step. */
export const PredictInput = z.record(z.string(), z.array(z.unknown()));

export interface Prediction {
  /** Output node id → batch-major values: [B, T, F] for sequences, [B, F] otherwise. */
  readonly outputs: Record<string, { shape: number[]; data: number[] }>;
  readonly steps: number;
  readonly batch: number;
}

/** An input block as predict reads it: its node id, stream, element kind, width and whether it is a sequence. */
export interface InputSpec {
  id: string;
  stream: string;
  tokens: boolean;
  size: number;
  sequence: boolean;
}

export function inputBlocks(graph: GraphDocument): InputSpec[] {
  return sources(graph).map(({ id, stream, type }) => ({ id, stream, tokens: type.tokens, size: type.size, sequence: type.kind === 'sequence' }));
}

/**
 * Turns `{ [inputNodeId]: examples }` into feeds (time-major for sequences), named by the input
 * node (`sourceFeed(id)`, for a graph compiled with `sourcesByNode`) or, `by: 'stream'`, by the
 * stream it reads. An example is time × features (or time token ids) for a sequence input,
 * features (or one token id) otherwise. Errors name the input, example, step and feature.
 */
export function inputFeeds(graph: GraphDocument, json: unknown, by: 'node' | 'stream' = 'node'): { feeds: Record<string, Tensor>; steps: number; batch: number } {
  const parsed = PredictInput.safeParse(json);
  if (!parsed.success) throw new InputError('input: expected a JSON object { "<input node id>": [examples…] }');
  const specs = inputBlocks(graph);
  for (const key of Object.keys(parsed.data))
    if (!specs.some((s) => s.id === key)) throw new InputError(`input '${key}' is not an input node of this graph (inputs: ${specs.map((s) => `'${s.id}'`).join(', ')})`);
  const feeds: Record<string, Tensor> = {};
  let steps: number | undefined;
  let batch: number | undefined;
  for (const spec of specs) {
    const rows = parsed.data[spec.id];
    if (!rows) throw new InputError(`input '${spec.id}' is missing`);
    const b = rows.length;
    if (b === 0) throw new InputError(`input '${spec.id}': the batch is empty`);
    if (batch !== undefined && b !== batch) throw new InputError(`input '${spec.id}' has ${b} examples, another input has ${batch}`);
    batch = b;
    const width = spec.tokens ? 1 : spec.size;
    /** Writes one value (a token id, or the features of one step) at element offset `into`. */
    const put = (data: Float32Array | Int32Array, into: number, value: unknown, at: string) => {
      if (spec.tokens) {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= spec.size)
          throw new InputError(`${at}: expected a token id in [0, ${spec.size}), got ${JSON.stringify(value)}`);
        data[into] = value;
        return;
      }
      const features = typeof value === 'number' && width === 1 ? [value] : value;
      if (!Array.isArray(features)) throw new InputError(`${at}: expected ${width} features, got ${JSON.stringify(value)}`);
      if (features.length !== width) throw new InputError(`${at}: has ${features.length} feature${features.length === 1 ? '' : 's'}, expected ${width}`);
      features.forEach((v: unknown, f) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${at} feature ${f}: ${typeof v === 'number' ? v : JSON.stringify(v)} is not a finite number`);
        // The model computes in float32: a larger value would become ±Infinity there, and finite nonsense after.
        if (!Number.isFinite(Math.fround(v))) throw new InputError(`${at} feature ${f}: ${v} is outside float32's range (±3.4028235e38)`);
        data[into * width + f] = v;
      });
    };
    if (!spec.sequence) {
      const data = spec.tokens ? new Int32Array(b) : new Float32Array(b * width);
      rows.forEach((example, i) => put(data, i, example, `input '${spec.id}' example ${i}`));
      feeds[by === 'node' ? sourceFeed(spec.id) : spec.stream] = tensorOf(spec.tokens ? [b] : [b, width], data);
      continue;
    }
    const first = rows[0];
    if (!Array.isArray(first) || first.length === 0) throw new InputError(`input '${spec.id}': example 0 should be a list of time steps`);
    const t = first.length;
    if (steps !== undefined && t !== steps) throw new InputError(`input '${spec.id}' has ${t} steps, another input has ${steps}`);
    steps = t;
    const data = spec.tokens ? new Int32Array(t * b) : new Float32Array(t * b * width);
    rows.forEach((example, i) => {
      if (!Array.isArray(example)) throw new InputError(`input '${spec.id}': example ${i} should be a list of time steps`);
      if (example.length !== t) throw new InputError(`input '${spec.id}': example ${i} has ${example.length} steps, example 0 has ${t}; all examples need the same length`);
      example.forEach((value: unknown, s) => put(data, s * b + i, value, `input '${spec.id}' example ${i} step ${s}`));
    });
    feeds[by === 'node' ? sourceFeed(spec.id) : spec.stream] = tensorOf(spec.tokens ? [t, b] : [t, b, width], data);
  }
  if (batch === undefined) throw new InputError('the graph has no input block');
  return { feeds, steps: steps ?? 1, batch };
}

/**
 * Runs the forward graph; returns every output block's prediction, batch-major. Throws
 * BudgetError, before compiling, for an input longer than `budgets.inputSteps`.
 */
export async function predict(graph: GraphDocument, weights: Weights, json: unknown, executor: Executor, budgets: Pick<Budgets, 'inputSteps'> = DEFAULT_BUDGETS): Promise<Prediction> {
  const { feeds, steps, batch } = inputFeeds(graph, json);
  checkInputSteps(steps, 'the input', budgets.inputSteps);
  const compiled = compileGraph(graph, { steps, batch, sourcesByNode: true, budgets: { ...DEFAULT_BUDGETS, steps: budgets.inputSteps } });
  const wanted = Object.keys(compiled.forward.outputs).filter((k) => k.startsWith('out:'));
  const forward = { nodes: compiled.forward.nodes, outputs: Object.fromEntries(wanted.map((k) => [k, compiled.forward.outputs[k]])) };
  const all: Record<string, Tensor> = { ...feeds };
  for (const w of compiled.weights) {
    const data = weights.get(w.param);
    if (!data) throw new InputError(`the model has no weight '${w.param}'`);
    all[w.param] = float32(w.shape, data);
  }
  const out = await runOnce(executor, forward, all, { name: `predict:T${steps}:B${batch}` });
  const outputs: Prediction['outputs'] = {};
  for (const name of wanted) {
    const { shape, data } = out[name];
    outputs[name.slice(4)] = shape.length === 3 ? toBatchMajor(shape, data) : { shape: [...shape], data: Array.from(data) };
  }
  return { outputs, steps, batch };
}

function toBatchMajor([t, b, f]: readonly number[], data: Float32Array): { shape: number[]; data: number[] } {
  const out = new Array<number>(data.length);
  for (let s = 0; s < t; s++) for (let i = 0; i < b; i++) for (let k = 0; k < f; k++) out[(i * t + s) * f + k] = data[(s * b + i) * f + k];
  return { shape: [b, t, f], data: out };
}
