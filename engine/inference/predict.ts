/**
 * Running a trained graph on new data. Inputs come batch-major as people write them
 * (batch × time × features, or batch × time token ids), keyed by input node id.
 */
import { z } from 'zod';
import { compileGraph } from '../compiler/compile.ts';
import type { Executor, Feed } from '../executors/index.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { Weights } from '../model/init.ts';
import { graphKey } from '../trainer/train.ts';

export class InputError extends Error {}

const Nested = z.array(z.array(z.union([z.number(), z.array(z.number())])));
export const PredictInput = z.record(z.string(), Nested);

export interface Prediction {
  /** Output node id → batch-major values: [B, T, F] for sequences, [B, F] otherwise. */
  readonly outputs: Record<string, { shape: number[]; data: number[] }>;
  readonly steps: number;
  readonly batch: number;
}

interface InputSpec {
  id: string;
  stream: string;
  tokens: boolean;
  size: number;
  sequence: boolean;
}

function inputBlocks(graph: GraphDocument): InputSpec[] {
  return graph.nodes
    .filter((n) => n.type === 'input')
    .map((n) => ({
      id: n.id,
      stream: String(n.params.stream ?? 'x'),
      tokens: n.params.kind === 'tokens',
      size: Number(n.params.size ?? 1),
      sequence: n.params.sequence !== false,
    }));
}

/** Turns `{ [inputNodeId]: batch × time × features }` into time-major feeds; errors name the place. */
export function inputFeeds(graph: GraphDocument, json: unknown): { feeds: Record<string, Feed>; steps: number; batch: number } {
  const parsed = PredictInput.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`input ${issue.path.map(String).join('.') || '(top level)'}: expected { "<input node id>": batch × time × features (numbers) }, ${issue.message}`);
  }
  const specs = inputBlocks(graph);
  for (const key of Object.keys(parsed.data))
    if (!specs.some((s) => s.id === key)) throw new InputError(`input '${key}' is not an input node of this graph (inputs: ${specs.map((s) => `'${s.id}'`).join(', ')})`);
  const feeds: Record<string, Feed> = {};
  let steps = 1;
  let batch = 0;
  for (const spec of specs) {
    const rows = parsed.data[spec.id];
    if (!rows) throw new InputError(`input '${spec.id}' is missing`);
    if (!spec.sequence) throw new InputError(`input '${spec.id}': predicting from non-sequence inputs is not supported yet`);
    const b = rows.length;
    if (b === 0) throw new InputError(`input '${spec.id}': the batch is empty`);
    const t = rows[0].length;
    if (t === 0) throw new InputError(`input '${spec.id}': example 0 has no time steps`);
    if (batch && b !== batch) throw new InputError(`input '${spec.id}' has ${b} examples, another input has ${batch}`);
    batch = b;
    steps = t;
    const width = spec.tokens ? 1 : spec.size;
    const data = spec.tokens ? new Int32Array(t * b) : new Float32Array(t * b * width);
    rows.forEach((example, i) => {
      if (example.length !== t) throw new InputError(`input '${spec.id}': example ${i} has ${example.length} steps, example 0 has ${t}; all examples need the same length`);
      example.forEach((value, s) => {
        const at = `input '${spec.id}' example ${i} step ${s}`;
        if (spec.tokens) {
          if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= spec.size)
            throw new InputError(`${at}: expected a token id in [0, ${spec.size}), got ${JSON.stringify(value)}`);
          data[s * b + i] = value;
        } else {
          const features = typeof value === 'number' ? [value] : value;
          if (features.length !== width) throw new InputError(`${at}: has ${features.length} features, expected ${width}`);
          features.forEach((v, f) => {
            if (!Number.isFinite(v)) throw new InputError(`${at} feature ${f}: ${v} is not a finite number`);
            data[(s * b + i) * width + f] = v;
          });
        }
      });
    });
    feeds[spec.stream] = { shape: spec.tokens ? [t, b] : [t, b, width], data };
  }
  return { feeds, steps, batch };
}

/** Runs the forward graph; returns every output block's prediction, batch-major. */
export async function predict(graph: GraphDocument, weights: Weights, json: unknown, executor: Executor): Promise<Prediction> {
  const { feeds, steps, batch } = inputFeeds(graph, json);
  const compiled = compileGraph(graph, { steps, batch });
  const wanted = Object.keys(compiled.forward.outputs).filter((k) => k.startsWith('out:'));
  const forward = { nodes: compiled.forward.nodes, outputs: Object.fromEntries(wanted.map((k) => [k, compiled.forward.outputs[k]])) };
  const all: Record<string, Feed> = { ...feeds };
  for (const w of compiled.weights) {
    const data = weights.get(w.param);
    if (!data) throw new InputError(`the model has no weight '${w.param}'`);
    all[w.param] = { shape: w.shape, data };
  }
  const out = await executor.run(`predict:${graphKey(graph)}:T${steps}:B${batch}`, forward, all, wanted);
  const outputs: Prediction['outputs'] = {};
  for (const name of wanted) {
    const { shape, data } = out[name];
    outputs[name.slice(4)] = shape.length === 3 ? toBatchMajor(shape, data) : { shape, data: Array.from(data) };
  }
  return { outputs, steps, batch };
}

function toBatchMajor([t, b, f]: number[], data: Float32Array): { shape: number[]; data: number[] } {
  const out = new Array<number>(data.length);
  for (let s = 0; s < t; s++) for (let i = 0; i < b; i++) for (let k = 0; k < f; k++) out[(i * t + s) * f + k] = data[(s * b + i) * f + k];
  return { shape: [b, t, f], data: out };
}
