/**
 * Weight initialisers: orthogonal gives orthonormal rows or columns, identity the identity (per
 * gate block), the random ones their Keras ranges and spreads, and all of them the same numbers
 * for the same seed. The blocks' kernelInitializer / recurrentInitializer / recurrentGain params
 * reach the weights and change nothing else, and the defaults still give the shipped templates
 * the very weights they had before these params existed (pinned by checksum).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Initializer } from '../../../engine/blocks/types.ts';
import { validateGraph, type WeightInfo } from '../../../engine/compiler/compile.ts';
import { parseGraphText } from '../../../engine/graph/document.ts';
import { irToJson } from '../../../engine/ir/json.ts';
import { initWeights } from '../../../engine/model/init.ts';
import { compile, graph } from '../../helpers/graphs.ts';

const info = (shape: number[], init: Initializer, extra: Partial<WeightInfo> = {}): WeightInfo => ({ param: 'n.w', node: 'n', name: 'w', shape, init, ...extra });
const one = (w: WeightInfo, seed = 1): Float32Array => initWeights([w], seed).get(w.param)!;

/** max |AᵀA − g²I| (columns) or |AAᵀ − g²I| (rows) of a row-major [rows, cols] matrix, over the smaller side. */
function orthonormalityError(a: Float32Array, rows: number, cols: number, gain = 1): number {
  const n = Math.min(rows, cols);
  const at = (i: number, k: number) => (rows <= cols ? a[i * cols + k] : a[k * cols + i]); // vector i, element k
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < Math.max(rows, cols); k++) dot += at(i, k) * at(j, k);
      worst = Math.max(worst, Math.abs(dot - (i === j ? gain * gain : 0)));
    }
  return worst;
}

const stats = (a: Float32Array) => {
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  return { mean, std, max: Math.max(...a.map(Math.abs)) };
};

describe('initialisers', () => {
  it('orthogonal: QᵀQ = I (or QQᵀ = I for wide matrices) within 1e-6, square, wide [H, 4H] and tall', (t) => {
    const errors: string[] = [];
    for (const [rows, cols] of [[16, 16], [8, 32], [32, 8], [1, 5], [64, 64]]) {
      const q = one(info([rows, cols], 'orthogonal'), 7);
      const error = orthonormalityError(q, rows, cols);
      errors.push(`[${rows}, ${cols}] ${error.toExponential(2)}`);
      assert.ok(error < 1e-6, `[${rows}, ${cols}]: max |QᵀQ − I| = ${error.toExponential(2)}`);
    }
    t.diagnostic(`max |QᵀQ − I|: ${errors.join(', ')}`);
    // A random rotation, not the identity (which would pass the check above too).
    assert.ok(one(info([16, 16], 'orthogonal'), 7).filter((v) => v !== 0).length > 200);
  });

  it('orthogonal with gain g: QᵀQ = g²I', () => {
    const q = one(info([12, 12], 'orthogonal', { gain: 1.5 }), 3);
    assert.ok(orthonormalityError(q, 12, 12, 1.5) < 1e-5);
    assert.ok(orthonormalityError(q, 12, 12, 1) > 0.5, 'the gain is applied');
  });

  it('identity gives I; with gate blocks, I in every block; gain scales it', () => {
    const eye = (n: number, gain = 1) => Float32Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? gain : 0));
    assert.deepEqual(one(info([4, 4], 'identity')), eye(4));
    assert.deepEqual(one(info([5, 5], 'identity', { gain: 0.5 })), eye(5, 0.5));
    // [2, 3·2] in gate blocks of 2: [I | I | I].
    assert.deepEqual(Array.from(one(info([2, 6], 'identity', { units: 2 }))), [1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1]);
    // Not square: ones on the leading diagonal (Keras's Identity of a [3, 2] or [2, 3] matrix).
    assert.deepEqual(Array.from(one(info([3, 2], 'identity'))), [1, 0, 0, 1, 0, 0]);
    assert.deepEqual(Array.from(one(info([2, 3], 'identity'))), [1, 0, 0, 0, 1, 0]);
    assert.throws(() => one(info([4], 'identity')), /weight 'n\.w': the identity initializer needs a matrix, but the weight is \[4\]/);
    assert.throws(() => one(info([4], 'orthogonal')), /the orthogonal initializer needs a matrix/);
  });

  it('glorot and he, uniform and normal: Keras limits and spreads (std within 3% on 40 000 draws)', () => {
    const [fanIn, fanOut] = [100, 400];
    const w = (init: Initializer) => stats(one(info([fanIn, fanOut], init), 9));
    const glorotUniform = Math.sqrt(6 / (fanIn + fanOut));
    const heUniform = Math.sqrt(6 / fanIn);
    const cases = [
      { init: 'glorotUniform', max: glorotUniform, std: glorotUniform / Math.sqrt(3) },
      { init: 'heUniform', max: heUniform, std: heUniform / Math.sqrt(3) },
      // Truncated at 2σ' with σ' = σ / 0.8796, so that the std after truncation is σ.
      { init: 'glorotNormal', max: (2 * Math.sqrt(2 / (fanIn + fanOut))) / 0.87962566103423978, std: Math.sqrt(2 / (fanIn + fanOut)) },
      { init: 'heNormal', max: (2 * Math.sqrt(2 / fanIn)) / 0.87962566103423978, std: Math.sqrt(2 / fanIn) },
    ] as const;
    for (const c of cases) {
      const s = w(c.init);
      assert.ok(s.max <= c.max * (1 + 1e-6), `${c.init}: max |w| ${s.max} > ${c.max}`);
      assert.ok(s.max > c.max * 0.95, `${c.init}: values reach near the limit (${s.max} of ${c.max})`);
      assert.ok(Math.abs(s.std / c.std - 1) < 0.03, `${c.init}: std ${s.std}, expected ${c.std}`);
      assert.ok(Math.abs(s.mean) < 0.03 * c.std, `${c.init}: mean ${s.mean}`);
    }
  });

  it('constant, zeros and ones', () => {
    assert.deepEqual(Array.from(one(info([3], 'constant', { value: -2.5 }))), [-2.5, -2.5, -2.5]);
    assert.deepEqual(Array.from(one(info([2, 2], 'zeros'))), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(one(info([2], 'ones', { gain: 3 }))), [3, 3]);
  });

  it('same seed, same weights; another seed, other weights (every random initialiser)', () => {
    for (const init of ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'orthogonal', 'uniform'] as const) {
      const w = info([6, 10], init);
      assert.deepEqual(one(w, 42), one(w, 42), init);
      assert.notDeepEqual(one(w, 42), one(w, 43), init);
    }
    for (const init of ['identity', 'zeros'] as const) assert.deepEqual(one(info([6, 6], init), 1), one(info([6, 6], init), 2), init);
  });

  it('an initialiser that draws nothing leaves the draws of the weights after it unchanged', () => {
    const later = info([4, 4], 'glorotUniform', { param: 'n.later' });
    const after = (first: Initializer) => initWeights([info([4, 4], first, { param: 'n.first' }), later], 5).get('n.later');
    assert.deepEqual(after('identity'), after('zeros'));
    assert.notDeepEqual(after('orthogonal'), after('identity'));
  });
});

const around = (type: string, params: Record<string, unknown>) =>
  graph({ x: ['input', { size: 3 }], rnn: [type, params], o: ['output', { loss: 'meanSquaredError' }] }, ['x -> rnn', 'rnn -> o']);

const RECURRENT: readonly [string, Record<string, unknown>][] = [
  ['elman', { units: 4 }],
  ['jordan', { units: 4, outputUnits: 2 }],
  ['lstm', { units: 4 }],
  ['gru', { units: 4 }],
  ['gru', { units: 4, resetAfter: false }],
  ['peepholeLstm', { units: 4 }],
  ['ctrnn', { units: 4 }],
];

describe('initialiser params of the recurrent blocks', () => {
  for (const [type, params] of RECURRENT) {
    it(`${type} ${JSON.stringify(params)}: identity recurrent kernel with gain 0.5 is 0.5·I in each gate block; zeros kernel; the cell is unchanged`, () => {
      const chosen = compile(around(type, { ...params, kernelInitializer: 'zeros', recurrentInitializer: 'identity', recurrentGain: 0.5 }), 3, 2);
      const plain = compile(around(type, params), 3, 2);
      assert.deepEqual(irToJson(chosen.train), irToJson(plain.train), 'initialisers change the starting weights only');
      const w = initWeights(chosen.weights, 1);
      assert.ok(w.get('rnn.kernel')!.every((v) => v === 0), 'kernel starts at zero');
      const u = chosen.weights.find((x) => x.name === 'recurrentKernel')!;
      const [rows, cols] = u.shape;
      const block = u.units ?? cols;
      const got = w.get('rnn.recurrentKernel')!;
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) assert.equal(got[r * cols + c], c % block === r ? 0.5 : 0, `[${r}, ${c}]`);
    });
  }

  it('elman with relu and an identity recurrent kernel (an IRNN) starts with U = I', () => {
    const c = compile(around('elman', { units: 5, activation: 'relu', recurrentInitializer: 'identity' }), 2, 1);
    const u = initWeights(c.weights, 3).get('rnn.recurrentKernel')!;
    assert.deepEqual(u, Float32Array.from({ length: 25 }, (_, k) => (k % 6 === 0 ? 1 : 0)));
  });

  it('defaults are Keras\'s: glorotUniform kernel, orthogonal recurrent kernel (Jordan: glorotUniform, as before)', () => {
    for (const [type, params] of RECURRENT) {
      const inits = Object.fromEntries(compile(around(type, params), 2, 1).weights.map((w) => [w.name, `${w.init}×${w.gain ?? 1}`]));
      assert.equal(inits.kernel, 'glorotUniform×1', type);
      assert.equal(inits.recurrentKernel, type === 'jordan' ? 'glorotUniform×1' : 'orthogonal×1', type);
    }
  });

  it('refuses an unknown initialiser and a gain out of range, naming the param', () => {
    const messages = (type: string, params: Record<string, unknown>) => validateGraph(around(type, params)).map((d) => d.message).join('\n');
    assert.match(messages('lstm', { recurrentInitializer: 'he' }), /^param recurrentInitializer: /);
    assert.match(messages('gru', { recurrentGain: -1 }), /^param recurrentGain: /);
    assert.match(messages('jordan', { contextDecay: 1 }), /^param contextDecay: /);
    assert.match(messages('jordan', { feedback: 'hidden' }), /^param feedback: /);
  });
});

/**
 * sha256 (first 16 hex digits) of every weight of each shipped template at seed 1, in compiled
 * order, as written before the initialiser params existed. A template or initialiser change that
 * moves these numbers changes what every user's training run gives: update the pin only on purpose.
 */
const TEMPLATE_WEIGHTS: Readonly<Record<string, string>> = {
  'adding-lstm.rnn.json': '010d5004fdd5488d',
  'char-gru.rnn.json': '3dab301804736a7e',
  'sine-elman.rnn.json': '7c24fab783cf67aa',
  'weather-food-jordan.rnn.json': '97f73c02452d2fde',
};

describe('the shipped templates start from the same weights as before', () => {
  for (const [file, pinned] of Object.entries(TEMPLATE_WEIGHTS)) {
    it(`${file}: initial weights at seed 1 hash to ${pinned}`, () => {
      const parsed = parseGraphText(readFileSync(new URL(`../../../templates/${file}`, import.meta.url), 'utf8'));
      assert.ok(parsed.ok);
      const hash = createHash('sha256');
      for (const [name, values] of initWeights(compile(parsed.graph, 3, 1).weights, 1)) {
        hash.update(name);
        hash.update(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
      }
      assert.equal(hash.digest('hex').slice(0, 16), pinned);
    });
  }
});
