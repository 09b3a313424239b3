/**
 * Sampling new sequences from a character- or word-level model, one token at a time: the model
 * is compiled for a single step with its delays' states as inputs and outputs, and each sampled
 * token is fed back in as the next input.
 */
import { compileGraph } from '../compiler/compile.ts';
import { Random } from '../datasets/random.ts';
import type { Executor, Feed } from '../executors/index.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { Weights } from '../model/init.ts';
import { graphKey } from '../trainer/train.ts';
import { InputError } from './predict.ts';

export interface SampleOptions {
  readonly length: number;
  /** Divides the logits: < 1 is more conservative, > 1 more adventurous. */
  readonly temperature: number;
  /** Text the model reads first; sampling continues from it. */
  readonly prime?: string;
  readonly seed?: number;
}

/** Draws an index from probabilities sharpened or flattened by `temperature`. */
export function drawWithTemperature(probabilities: ArrayLike<number>, temperature: number, rng: Random): number {
  const logits = Array.from(probabilities, (p) => Math.log(Math.max(p, 1e-30)) / temperature);
  const max = Math.max(...logits);
  const weights = logits.map((l) => Math.exp(l - max));
  let r = rng.uniform() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) < 0) return i;
  return weights.length - 1;
}

export async function sample(graph: GraphDocument, weights: Weights, vocabulary: readonly string[], o: SampleOptions, executor: Executor): Promise<string> {
  if (!(o.temperature > 0)) throw new InputError(`temperature must be positive, got ${o.temperature}`);
  if (!Number.isInteger(o.length) || o.length < 0) throw new InputError(`length must be a non-negative integer, got ${o.length}`);
  const input = graph.nodes.find((n) => n.type === 'input');
  if (!input || input.params.kind !== 'tokens') throw new InputError('sampling needs a model whose input block reads tokens (a character or word model)');
  const compiled = compileGraph(graph, { steps: 1, batch: 1, stateful: true });
  const outName = Object.keys(compiled.forward.outputs).find((k) => k.startsWith('out:'));
  if (!outName) throw new InputError('sampling needs an output block');
  const rng = new Random(o.seed ?? 1);
  const index = new Map(vocabulary.map((ch, i) => [ch, i]));
  const prime = [...(o.prime ?? '')];
  for (const [i, ch] of prime.entries())
    if (!index.has(ch)) throw new InputError(`prime character ${JSON.stringify(ch)} (position ${i}) is not in the model's vocabulary`);

  const feeds: Record<string, Feed> = {};
  for (const w of compiled.weights) feeds[w.param] = { shape: w.shape, data: weights.get(w.param)! };
  for (const s of compiled.states) feeds[`state:${s.name}`] = { shape: s.shape, data: new Float32Array(s.shape.reduce((a, b) => a * b, 1)) };
  const key = `sample:${graphKey(graph)}`;
  const wanted = [outName, ...compiled.states.map((s) => `final:${s.name}`)];

  let token = prime.length ? index.get(prime[0])! : rng.int(vocabulary.length);
  const text: string[] = prime.length ? [prime[0]] : [vocabulary[token]];
  const total = Math.max(prime.length, 1) + o.length;
  for (let pos = 1; pos < total; pos++) {
    feeds.x = { shape: [1, 1], data: Int32Array.of(token) };
    const out = await executor.run(key, compiled.forward, feeds, wanted);
    for (const s of compiled.states) feeds[`state:${s.name}`] = { shape: s.shape, data: out[`final:${s.name}`].data };
    token = pos < prime.length ? index.get(prime[pos])! : drawWithTemperature(out[outName].data, o.temperature, rng);
    text.push(vocabulary[token]);
  }
  return text.join('');
}
