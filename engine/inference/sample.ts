/**
 * Sampling new sequences from a character- or word-level model, one token at a time: the model
 * is compiled for a single step with its delays' states as inputs and outputs, and each chosen
 * token is fed back in as the next input. How a token is chosen from the softmax (temperature,
 * top-k, rejection, greedy) is draw.ts's job.
 */
import { sources } from '../blocks/roles.ts';
import { type Budgets, checkInputSteps, DEFAULT_BUDGETS } from '../compiler/budgets.ts';
import { compileGraph } from '../compiler/compile.ts';
import { Random } from '../datasets/random.ts';
import { type Executor, float32, int32, type Tensor } from '../executors/index.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { Weights } from '../model/init.ts';
import { checkDrawOptions, drawToken, type DrawOptions } from './draw.ts';
import { InputError } from './predict.ts';

export interface SampleOptions {
  /** Tokens to generate after the prime. */
  readonly length: number;
  /** 0: greedy (argmax at every step). Otherwise divides the log-probabilities: < 1 is more conservative, > 1 more adventurous. */
  readonly temperature: number;
  /** Keep only the k most probable tokens at each step (0 or absent: all). */
  readonly topK?: number;
  /** Tokens (vocabulary entries) that are never generated, such as an unknown-word token. The prime may still contain them. */
  readonly reject?: readonly string[];
  /** Text the model reads first, one character at a time; sampling continues from it. */
  readonly prime?: string;
  /** Seeds the draws (and the first token when there is no prime); the same seed gives the same text. */
  readonly seed?: number;
}

export interface Sampled {
  /** The prime (or the first token) followed by the generated tokens, as ids. */
  readonly tokens: number[];
  /** The same tokens as text: their vocabulary entries joined. */
  readonly text: string;
}

/**
 * Token ids of `reject`. Throws InputError naming a token that is not in the vocabulary, and
 * when nothing would be left to generate.
 */
export function rejectedIds(vocabulary: readonly string[], reject: readonly string[]): Set<number> {
  const index = new Map(vocabulary.map((token, i) => [token, i]));
  const ids = new Set<number>();
  for (const token of reject) {
    const id = index.get(token);
    if (id === undefined) {
      const characters = vocabulary.every((t) => [...t].length === 1) && [...token].length > 1 ? ' (a character model: each token is one character)' : '';
      throw new InputError(`cannot reject ${JSON.stringify(token)}: it is not in the model's vocabulary of ${vocabulary.length} tokens${characters}`);
    }
    ids.add(id);
  }
  if (ids.size === vocabulary.length) throw new InputError(`rejecting ${JSON.stringify(reject)} leaves no token of the vocabulary to generate`);
  return ids;
}

/**
 * Reads the prime, then generates `o.length` tokens, feeding each back in. Without a prime the
 * first token is drawn uniformly from the tokens that are not rejected. Throws InputError for bad
 * options, a prime character outside the vocabulary, or a graph that does not read tokens;
 * BudgetError when the prime is longer than `budgets.inputSteps`. Sampling runs one step at a
 * time with the state carried, so what it generates is not unrolled: its length is bounded only by
 * MAX_SAMPLE_LENGTH, what the text it returns may hold.
 */
/** The most tokens one sample generates. */
export const MAX_SAMPLE_LENGTH = 1_000_000;

export async function sampleTokens(
  graph: GraphDocument,
  weights: Weights,
  vocabulary: readonly string[],
  o: SampleOptions,
  executor: Executor,
  budgets: Pick<Budgets, 'inputSteps'> = DEFAULT_BUDGETS,
): Promise<Sampled> {
  const draw: DrawOptions = { temperature: o.temperature, topK: o.topK ?? 0, rejected: rejectedIds(vocabulary, o.reject ?? []) };
  checkDrawOptions(draw);
  if (!Number.isInteger(o.length) || o.length < 0 || o.length > MAX_SAMPLE_LENGTH)
    throw new InputError(`length must be a whole number from 0 to ${MAX_SAMPLE_LENGTH.toLocaleString('en-US')}, got ${o.length}`);
  checkInputSteps([...(o.prime ?? '')].length, 'the prime', budgets.inputSteps);
  const [input] = sources(graph);
  if (!input?.type.tokens) throw new InputError('sampling needs a model whose input block reads tokens (a character or word model)');
  const compiled = compileGraph(graph, { steps: 1, batch: 1, stateful: true });
  const outName = Object.keys(compiled.forward.outputs).find((k) => k.startsWith('out:'));
  if (!outName) throw new InputError('sampling needs an output block');
  const outNode = graph.nodes.find((n) => n.id === outName.slice(4));
  if (outNode?.params.loss !== 'softmaxCrossEntropy')
    throw new InputError(`sampling draws from a softmax: output block '${outName.slice(4)}' needs the loss softmaxCrossEntropy, it has ${JSON.stringify(outNode?.params.loss ?? 'meanSquaredError')}`);
  const rng = new Random(o.seed ?? 1);
  const index = new Map(vocabulary.map((ch, i) => [ch, i]));
  const prime = [...(o.prime ?? '')];
  for (const [i, ch] of prime.entries())
    if (!index.has(ch)) throw new InputError(`prime character ${JSON.stringify(ch)} (position ${i}) is not in the model's vocabulary`);

  const feeds: Record<string, Tensor> = {};
  for (const s of compiled.states) feeds[`state:${s.name}`] = float32(s.shape, new Float32Array(s.shape.reduce((a, b) => a * b, 1)));
  const wanted = [outName, ...compiled.states.map((s) => `final:${s.name}`)];
  const { stream } = input;

  const allowed = vocabulary.map((_, i) => i).filter((i) => !draw.rejected!.has(i));
  const tokens = [prime.length ? index.get(prime[0])! : allowed[rng.int(allowed.length)]];
  const total = Math.max(prime.length, 1) + o.length;
  const program = await executor.prepare(compiled.forward, { outputs: wanted, name: 'sample:T1:B1' });
  try {
    program.bind(Object.fromEntries(compiled.weights.map((w) => [w.param, float32(w.shape, weights.get(w.param)!)])));
    for (let pos = 1; pos < total; pos++) {
      feeds[stream] = int32([1, 1], Int32Array.of(tokens[pos - 1]));
      const out = await program.run(feeds);
      for (const s of compiled.states) feeds[`state:${s.name}`] = float32(s.shape, out[`final:${s.name}`].data);
      const probabilities = out[outName].data;
      if (probabilities.length !== vocabulary.length)
        throw new InputError(`the model predicts ${probabilities.length} classes but its vocabulary has ${vocabulary.length} tokens`);
      tokens.push(pos < prime.length ? index.get(prime[pos])! : drawToken(probabilities, draw, rng));
    }
  } finally {
    await program.dispose();
  }
  return { tokens, text: tokens.map((t) => vocabulary[t]).join('') };
}

/** sampleTokens' text: the prime followed by `o.length` generated characters. */
export async function sample(
  graph: GraphDocument,
  weights: Weights,
  vocabulary: readonly string[],
  o: SampleOptions,
  executor: Executor,
  budgets: Pick<Budgets, 'inputSteps'> = DEFAULT_BUDGETS,
): Promise<string> {
  return (await sampleTokens(graph, weights, vocabulary, o, executor, budgets)).text;
}
