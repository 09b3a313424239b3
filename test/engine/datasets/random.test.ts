import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../engine/datasets/random.ts';

/** splitmix32 written again with BigInt arithmetic mod 2^32, as an independent oracle. */
function* referenceSplitmix32(seed: number): Generator<number> {
  const M = 2n ** 32n;
  let state = BigInt(seed >>> 0);
  const mul = (a: bigint, b: bigint) => (a * b) % M;
  for (;;) {
    state = (state + 0x9e3779b9n) % M;
    let z = state;
    z = mul(z ^ (z >> 16n), 0x85ebca6bn);
    z = mul(z ^ (z >> 13n), 0xc2b2ae35n);
    yield Number(z ^ (z >> 16n));
  }
}

test('nextUint32 matches an independent BigInt splitmix32 for several seeds', () => {
  for (const seed of [0, 1, 42, 0xffffffff]) {
    const random = new Random(seed);
    const reference = referenceSplitmix32(seed);
    for (let i = 0; i < 1000; i++) assert.equal(random.nextUint32(), reference.next().value, `seed ${seed}, draw ${i}`);
  }
});

test('same seed gives the same stream, different seeds different streams', () => {
  const a = new Random(7);
  const b = new Random(7);
  const c = new Random(8);
  const sa = Array.from({ length: 100 }, () => a.normal());
  const sb = Array.from({ length: 100 }, () => b.normal());
  const sc = Array.from({ length: 100 }, () => c.normal());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test('uniform lies in [0, 1) with mean 1/2 and variance 1/12', () => {
  const random = new Random(3);
  const n = 100_000;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const u = random.uniform();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    sumSq += u * u;
  }
  const mean = sum / n;
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(sumSq / n - mean * mean - 1 / 12) < 0.002);
});

test('int(n) covers [0, n) evenly (chi-square) and rejects bad n', () => {
  const random = new Random(5);
  const n = 7;
  const draws = 70_000;
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < draws; i++) {
    const k = random.int(n);
    assert.ok(Number.isInteger(k) && k >= 0 && k < n);
    counts[k]++;
  }
  const expected = draws / n;
  const chiSquare = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
  assert.ok(chiSquare < 22.46, `chi-square ${chiSquare} (6 dof, p = 0.001 at 22.46)`);
  assert.equal(random.int(1), 0);
  assert.throws(() => random.int(0), RangeError);
  assert.throws(() => random.int(2.5), RangeError);
});

test('normal has mean 0, variance 1 and Gaussian tails', () => {
  const random = new Random(11);
  const n = 200_000;
  let sum = 0;
  let sumSq = 0;
  let beyond2 = 0;
  for (let i = 0; i < n; i++) {
    const z = random.normal();
    assert.ok(Number.isFinite(z));
    sum += z;
    sumSq += z * z;
    if (Math.abs(z) > 2) beyond2++;
  }
  assert.ok(Math.abs(sum / n) < 0.01);
  assert.ok(Math.abs(sumSq / n - 1) < 0.015);
  assert.ok(Math.abs(beyond2 / n - 0.0455) < 0.003, `P(|z| > 2) = ${beyond2 / n}`);
});

test('shuffle returns a permutation, each position uniformly', () => {
  const random = new Random(9);
  const firstCounts = [0, 0, 0, 0];
  for (let i = 0; i < 8000; i++) {
    const array = random.shuffle([0, 1, 2, 3]);
    assert.deepEqual([...array].sort(), [0, 1, 2, 3]);
    firstCounts[array[0]]++;
  }
  for (const c of firstCounts) assert.ok(Math.abs(c - 2000) < 200, `first-position counts ${firstCounts}`);
  const typed = random.shuffle(Int32Array.from({ length: 100 }, (_, i) => i));
  assert.deepEqual([...typed].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
});
