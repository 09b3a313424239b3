/**
 * A small seeded PRNG so that every dataset is bit-identical for the same params on every
 * machine and Node version (Math.random cannot be seeded).
 *
 * The core is splitmix32: a Weyl sequence (state += golden-ratio constant) passed through the
 * MurmurHash3 32-bit finaliser. It passes the usual statistical batteries for this use, has no
 * bad seeds (0 is fine), and each output is a pure function of the seed and the draw index.
 * Changing anything here changes every generated dataset: test/engine/datasets/random.test.ts
 * pins the sequence against an independent BigInt implementation.
 */
/** A generator's place in its stream (see Random.position). */
export interface RandomPosition {
  readonly state: number;
  readonly spareNormal: number | null;
}

export class Random {
  private state: number;
  /** The second Box–Muller variate, kept for the next normal() call. */
  private spareNormal: number | undefined;

  /** seed: any integer; it is taken modulo 2^32. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Where the stream is: restoring it (`Random.at`) continues with exactly the draws this one would make next. */
  get position(): RandomPosition {
    return { state: this.state, spareNormal: this.spareNormal ?? null };
  }

  /** A generator that goes on from `position`, as the one that reported it would. */
  static at(position: RandomPosition): Random {
    const r = new Random(position.state);
    r.spareNormal = position.spareNormal ?? undefined;
    return r;
  }

  /** A uniform integer in [0, 2^32). */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform in [0, 1), with 32 random bits. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n), n ≥ 1, unbiased (rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`Random.int: n must be an integer in [1, 2^32], got ${n}.`);
    // Accept only draws below the largest multiple of n, so every residue is equally likely.
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % n;
    }
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Standard normal N(0, 1) by the Box–Muller transform; variates come in pairs. */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log(u1) is finite
    const u2 = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<A extends { length: number; [index: number]: unknown }>(array: A): A {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}
