/**
 * Choosing a token from a softmax: greedy, temperature, top-k and rejection, on fixed synthetic
 * distributions. Frequencies over many seeded draws are checked against distributions worked out
 * here from the definitions (not with drawDistribution), with a chi-square bound.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../../engine/datasets/random.ts';
import { drawDistribution, drawToken, type DrawOptions } from '../../../engine/inference/draw.ts';
import { InputError } from '../../../engine/inference/predict.ts';

/** A fixed distribution over 7 tokens, all probabilities distinct. Order by probability: 1, 3, 4, 6, 2, 5, 0. */
const P = [0.05, 0.3, 0.1, 0.2, 0.15, 0.08, 0.12];

function counts(p: readonly number[], o: DrawOptions, draws: number, seed: number): number[] {
  const rng = new Random(seed);
  const c = new Array<number>(p.length).fill(0);
  for (let i = 0; i < draws; i++) c[drawToken(p, o, rng)]++;
  return c;
}

/** Pearson's chi-square of observed counts against expected probabilities (cells with p = 0 must be empty). */
function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  const n = observed.reduce((a, b) => a + b, 0);
  let x2 = 0;
  observed.forEach((o, i) => {
    if (expected[i] === 0) assert.equal(o, 0, `token ${i} has probability 0 but was drawn ${o} times`);
    else x2 += (o - n * expected[i]) ** 2 / (n * expected[i]);
  });
  return x2;
}

/** Upper 0.1 % points of chi-square with df degrees of freedom: a correct sampler exceeds them once in 1000 seeds. */
const CHI2_999: Record<number, number> = { 1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52, 6: 22.46 };

const normalised = (w: readonly number[]) => {
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
};

describe('drawing a token', () => {
  it('greedy (temperature 0) takes the most probable token, and spends no random number', () => {
    const rng = new Random(3);
    assert.equal(drawToken(P, { temperature: 0 }, rng), 1);
    assert.equal(drawToken(P, { temperature: 0, rejected: new Set([1]) }, rng), 3, 'the most probable token left');
    assert.equal(drawToken([0.2, 0.4, 0.4], { temperature: 0 }, rng), 1, 'a tie goes to the lower id');
    assert.equal(rng.uniform(), new Random(3).uniform(), 'the generator was not advanced');
  });

  it('top-k with k = 1 equals greedy, for any temperature and seed', () => {
    const rng = new Random(11);
    for (let trial = 0; trial < 200; trial++) {
      const p = normalised(Array.from({ length: 2 + rng.int(30) }, () => rng.uniform() ** 3));
      const rejected = new Set(rng.bernoulli(0.5) ? [rng.int(p.length)] : []);
      const greedy = drawToken(p, { temperature: 0, rejected }, rng);
      for (const temperature of [0.3, 1, 4]) assert.equal(drawToken(p, { temperature, topK: 1, rejected }, rng), greedy, `trial ${trial}, temperature ${temperature}`);
    }
  });

  for (const [k, temperature] of [[3, 1], [3, 0.7], [5, 1.5]] as const)
    it(`top-${k} at temperature ${temperature}: never a token outside the top ${k}, frequencies as renormalised`, () => {
      const top = [1, 3, 4, 6, 2].slice(0, k);
      const expected = normalised(P.map((p, i) => (top.includes(i) ? p ** (1 / temperature) : 0)));
      const observed = counts(P, { temperature, topK: k }, 40_000, 7 + k);
      observed.forEach((c, i) => assert.ok(top.includes(i) || c === 0, `token ${i} is outside the top ${k} but was drawn ${c} times`));
      const x2 = chiSquare(observed, expected);
      assert.ok(x2 < CHI2_999[k - 1], `chi-square ${x2.toFixed(2)} ≥ ${CHI2_999[k - 1]} (df ${k - 1}); observed ${observed}`);
    });

  it('top-k ≥ the vocabulary size keeps every token (plain temperature sampling)', () => {
    const expected = normalised(P.map((p) => p ** (1 / 0.8)));
    const observed = counts(P, { temperature: 0.8, topK: 50 }, 40_000, 5);
    assert.ok(chiSquare(observed, expected) < CHI2_999[6]);
  });

  it('a rejected token is never drawn, and the others keep their relative frequencies', () => {
    for (const [trial, rejected] of [[1], [1, 3], [0]].entries()) {
      const expected = normalised(P.map((p, i) => (rejected.includes(i) ? 0 : p)));
      const observed = counts(P, { temperature: 1, rejected: new Set(rejected) }, 40_000, 21 + trial);
      const df = P.length - rejected.length - 1;
      const x2 = chiSquare(observed, expected);
      assert.ok(x2 < CHI2_999[df], `rejecting ${rejected}: chi-square ${x2.toFixed(2)} ≥ ${CHI2_999[df]} (df ${df}); observed ${observed}`);
    }
  });

  it('rejection is applied before top-k, so k tokens are still drawn from', () => {
    // Without token 1, the top 3 are 3, 4 and 6.
    const expected = normalised(P.map((p, i) => ([3, 4, 6].includes(i) ? p : 0)));
    const observed = counts(P, { temperature: 1, topK: 3, rejected: new Set([1]) }, 40_000, 4);
    assert.ok(chiSquare(observed, expected) < CHI2_999[2], `observed ${observed}`);
  });

  it('the distribution drawn from: rejection equals zeroing that probability and renormalising', () => {
    const d = drawDistribution(P, { temperature: 1, rejected: new Set([1]) });
    d.forEach((q, i) => assert.ok(Math.abs(q - (i === 1 ? 0 : P[i] / 0.7)) < 1e-15, `token ${i}: ${q}`));
    const sharp = drawDistribution([0.5, 0.25, 0.25], { temperature: 0.5 });
    [4 / 6, 1 / 6, 1 / 6].forEach((q, i) => assert.ok(Math.abs(sharp[i] - q) < 1e-15));
  });

  it('the same seed gives the same draws; another seed other draws', () => {
    const o = { temperature: 1.2, topK: 4 };
    const run = (seed: number) => {
      const rng = new Random(seed);
      return Array.from({ length: 50 }, () => drawToken(P, o, rng));
    };
    assert.deepEqual(run(9), run(9));
    assert.notDeepEqual(run(9), run(10));
  });

  const bad: [string, DrawOptions, RegExp][] = [
    ['a negative temperature', { temperature: -1 }, /temperature must be 0 \(greedy\) or a positive number, got -1/],
    ['an infinite temperature', { temperature: Infinity }, /temperature must be/],
    ['a fractional top-k', { temperature: 1, topK: 2.5 }, /top-k must be a non-negative integer \(0: off\), got 2.5/],
    ['every token rejected', { temperature: 1, rejected: new Set([0, 1, 2, 3, 4, 5, 6]) }, /every one of the 7 tokens is rejected/],
  ];
  for (const [what, o, message] of bad)
    it(`refuses ${what}`, () => {
      assert.throws(() => drawToken(P, o, new Random(1)), (e: unknown) => e instanceof InputError && message.test(e.message));
    });

  it('refuses probabilities that are not finite (a diverged model)', () => {
    assert.throws(() => drawToken([0.5, NaN, 0.5], { temperature: 1 }, new Random(1)), /probability of token 1 is NaN/);
  });
});
