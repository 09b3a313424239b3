/**
 * sample() on a model whose next-token distribution is known exactly: an embedding whose row for
 * token a holds log P[a], read by a softmax output, so the model's softmax after token a is the
 * row P[a] of a fixed transition matrix. Generated text is then a Markov chain with matrix P.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReferenceExecutor, chooseExecutor, type Executor } from '../../../engine/executors/index.ts';
import { InputError } from '../../../engine/inference/predict.ts';
import { sample, sampleTokens, type SampleOptions } from '../../../engine/inference/sample.ts';
import { graph } from '../../helpers/graphs.ts';

const VOCABULARY = ['a', 'b', 'c', 'd', '<unk>'];
/** P[a][b]: the probability that token b follows token a. Every row has distinct entries. */
const P = [
  [0.05, 0.4, 0.25, 0.2, 0.1],
  [0.3, 0.02, 0.08, 0.45, 0.15],
  [0.5, 0.2, 0.03, 0.12, 0.15],
  [0.1, 0.15, 0.35, 0.04, 0.36],
  [0.22, 0.18, 0.26, 0.3, 0.04],
];
const V = VOCABULARY.length;
const doc = graph({ x: ['input', { kind: 'tokens', size: V }], e: ['embedding', { dim: V }], o: ['output', { loss: 'softmaxCrossEntropy' }] }, ['x -> e', 'e -> o']);
const weights = new Map([['e.embeddings', Float32Array.from(P.flat(), Math.log)]]);

const reference = new ReferenceExecutor();
const { executor: ort } = await chooseExecutor('auto');
const executors: [string, Executor][] = [
  ['reference', reference],
  ['onnxruntime', ort],
];

const run = (o: SampleOptions, executor: Executor = reference) => sampleTokens(doc, weights, VOCABULARY, o, executor);
const argmax = (row: readonly number[]) => row.indexOf(Math.max(...row));
/** The k most probable successors of token a. */
const topOf = (a: number, k: number) => P[a].map((p, b) => [p, b]).sort((x, y) => y[0] - x[0]).slice(0, k).map(([, b]) => b);

describe('sample', () => {
  for (const [name, executor] of executors)
    it(`greedy follows the most probable successor at every step (${name})`, async () => {
      const { tokens, text } = await run({ length: 12, temperature: 0, prime: 'c' }, executor);
      const expected = [2];
      while (expected.length < 13) expected.push(argmax(P[expected.at(-1)!]));
      assert.deepEqual(tokens, expected);
      assert.equal(text, expected.map((t) => VOCABULARY[t]).join(''));
    });

  it('greedy is deterministic: the same text for every seed once primed', async () => {
    const texts = await Promise.all([1, 2, 99].map((seed) => sample(doc, weights, VOCABULARY, { length: 30, temperature: 0, prime: 'ab', seed }, reference)));
    assert.equal(new Set(texts).size, 1, texts.join(' | '));
  });

  it('top-k with k = 1 equals greedy, whatever the temperature', async () => {
    const greedy = await run({ length: 40, temperature: 0, prime: 'd' });
    for (const temperature of [0.5, 1, 3]) assert.deepEqual((await run({ length: 40, temperature, topK: 1, prime: 'd', seed: 5 })).tokens, greedy.tokens);
  });

  it('top-k never generates a successor outside the top k of the token before it', async () => {
    const { tokens } = await run({ length: 3000, temperature: 1.5, topK: 2, prime: 'a', seed: 3 });
    const seen = new Set<string>();
    for (let i = 1; i < tokens.length; i++) {
      assert.ok(topOf(tokens[i - 1], 2).includes(tokens[i]), `step ${i}: ${tokens[i - 1]} → ${tokens[i]}`);
      seen.add(`${tokens[i - 1]}→${tokens[i]}`);
    }
    assert.equal(seen.size, V * 2, 'and both of the top 2 are used after every token');
  });

  it('a rejected token is never generated, and the successors of each token keep their relative frequencies', async () => {
    const { tokens } = await run({ length: 20_000, temperature: 1, reject: ['<unk>'], prime: 'a', seed: 8 });
    assert.ok(!tokens.includes(4), '<unk> was generated');
    for (let a = 0; a < 4; a++) {
      const n = [0, 0, 0, 0];
      for (let i = 1; i < tokens.length; i++) if (tokens[i - 1] === a) n[tokens[i]]++;
      const total = n.reduce((x, y) => x + y, 0);
      const rest = 1 - P[a][4];
      const x2 = n.reduce((s, o, b) => s + (o - (total * P[a][b]) / rest) ** 2 / ((total * P[a][b]) / rest), 0);
      assert.ok(x2 < 16.27, `after ${VOCABULARY[a]}: chi-square ${x2.toFixed(2)} ≥ 16.27 (df 3, 0.1 %); counts ${n}`);
    }
  });

  it('the prime may hold a rejected token; without a prime the first token is not a rejected one', async () => {
    const primed = await run({ length: 50, temperature: 1, reject: ['a'], prime: 'aa', seed: 2 });
    assert.deepEqual(primed.tokens.slice(0, 2), [0, 0]);
    assert.ok(!primed.tokens.slice(2).includes(0));
    const firsts = new Set<number>();
    for (let seed = 0; seed < 30; seed++) firsts.add((await run({ length: 0, temperature: 1, reject: ['a', 'b', 'c'], seed })).tokens[0]);
    assert.deepEqual([...firsts].sort(), [3, 4], 'drawn from the two tokens left');
  });

  it('the same seed gives the same text, another seed another text', async () => {
    const o = { length: 60, temperature: 1, topK: 3, prime: 'b' };
    assert.deepEqual(await run({ ...o, seed: 4 }), await run({ ...o, seed: 4 }));
    assert.notDeepEqual(await run({ ...o, seed: 4 }), await run({ ...o, seed: 5 }));
  });

  const bad: [string, SampleOptions, RegExp][] = [
    ['a rejected token outside the vocabulary', { length: 5, temperature: 1, reject: ['<eos>'] }, /cannot reject "<eos>": it is not in the model's vocabulary of 5 tokens/],
    ['rejecting every token', { length: 5, temperature: 1, reject: VOCABULARY }, /leaves no token of the vocabulary to generate/],
    ['a negative temperature', { length: 5, temperature: -0.5 }, /temperature must be 0 \(greedy\) or a positive number/],
    ['a negative top-k', { length: 5, temperature: 1, topK: -2 }, /top-k must be a non-negative integer/],
    ['a prime character outside the vocabulary', { length: 5, temperature: 1, prime: 'abz' }, /prime character "z" \(position 2\) is not in the model's vocabulary/],
  ];
  for (const [what, o, message] of bad)
    it(`refuses ${what}`, async () => {
      await assert.rejects(run(o), (e: unknown) => e instanceof InputError && message.test(e.message));
    });

  it('a character model says so when asked to reject a longer token', async () => {
    await assert.rejects(sample(doc, weights, ['a', 'b', 'c', 'd', 'e'], { length: 1, temperature: 1, reject: ['<unk>'] }, reference), /a character model: each token is one character/);
  });

  it('refuses a model whose output is not a softmax', async () => {
    const mse = graph({ x: ['input', { kind: 'tokens', size: V }], e: ['embedding', { dim: V }], o: ['output'] }, ['x -> e', 'e -> o']);
    await assert.rejects(sample(mse, weights, VOCABULARY, { length: 1, temperature: 1 }, reference), /output block 'o' needs the loss softmaxCrossEntropy/);
  });
});
