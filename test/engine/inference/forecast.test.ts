/**
 * forecast(): sliding a window over a series, feeding each prediction back. Checked against
 * (1) a model whose weights make it an exact linear AR(2) recursion that continues a sine wave,
 * so the forecast has a closed form; (2) a small Elman network trained here on the sine dataset,
 * against the same recursion computed independently in float64 from its weights.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDataset, type Dataset } from '../../../engine/datasets/index.ts';
import { datasetFiles } from '../../../engine/files/dataset-files.ts';
import { ReferenceExecutor, chooseExecutor, type Executor } from '../../../engine/executors/index.ts';
import { forecast, modelForecastSettings, type Normalisation } from '../../../engine/inference/forecast.ts';
import { InputError } from '../../../engine/inference/predict.ts';
import { resolveTraining } from '../../../engine/graph/schema.ts';
import type { ModelFile } from '../../../engine/model/file.ts';
import { train } from '../../../engine/trainer/train.ts';
import { graph } from '../../helpers/graphs.ts';

const reference = new ReferenceExecutor();
const { executor: ort } = await chooseExecutor('auto');
const executors: [string, Executor][] = [
  ['reference', reference],
  ['onnxruntime', ort],
];
const worst = (a: readonly number[], b: readonly number[]) => {
  assert.equal(a.length, b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
};

/** A window → an Elman layer → one value: the shape of the sine template. */
const windowModel = (units: number, activation: string) =>
  graph(
    { window: ['input', { kind: 'dense', size: 1 }], rnn: ['elman', { units, activation, returnSequences: false }], next: ['dense', { units: 1 }], loss: ['output'] },
    ['window -> rnn', 'rnn -> next', 'next -> loss'],
  );

describe('forecast: an exact AR(2) model continues a sine wave', () => {
  // raw x_t = mean + amp · sin(ω t + φ) obeys x_{t+1} = a x_t + b x_{t−1} + d with a = 2 cos ω, b = −1, d = mean (1 − a − b).
  const [omega, phase, mean, amp] = [(2 * Math.PI) / 25, 0.7, 0.5, 2];
  const raw = (t: number) => mean + amp * Math.sin(omega * t + phase);
  const norm: Normalisation = { min: mean - amp * 1.1, max: mean + amp * 1.05 };
  // On the model's scale v = s x + o the recursion keeps a and b and gets c = (1 − a − b)(o + s · mean).
  const s = 2 / (norm.max - norm.min);
  const o = -1 - s * norm.min;
  const [a, b] = [2 * Math.cos(omega), -1];
  const c = (1 - a - b) * (o + s * mean);
  // The Elman layer (linear) is a shift register h_t = [x_t, x_{t−1}]; the dense layer is a·h0 + b·h1 + c.
  const doc = windowModel(2, 'linear');
  const weights = new Map([
    ['rnn.kernel', Float32Array.of(1, 0)],
    ['rnn.recurrentKernel', Float32Array.of(0, 1, 0, 0)],
    ['rnn.bias', Float32Array.of(0, 0)],
    ['next.kernel', Float32Array.of(a, b)],
    ['next.bias', Float32Array.of(c)],
  ]);
  const W = 12;
  const N = 60;
  const history = Array.from({ length: 30 }, (_, t) => raw(t));

  /** The same recursion in float64 with the float32 weights the model holds, on the model's scale. */
  function oracle(): number[] {
    const [a32, b32, c32] = [Math.fround(a), Math.fround(b), Math.fround(c)];
    const v = history.map((x) => (x - norm.min) * s - 1);
    for (let k = 0; k < N; k++) v.push(a32 * v.at(-1)! + b32 * v.at(-2)! + c32);
    return v.slice(history.length).map((y) => norm.min + ((y + 1) / 2) * (norm.max - norm.min));
  }

  for (const [name, executor] of executors)
    it(`matches the closed form and the float64 recursion (${name})`, async () => {
      const f = await forecast(doc, weights, { history, steps: N, window: W, normalisation: norm }, executor);
      assert.equal(f.window, W);
      assert.equal(f.values.length, N);
      const truth = Array.from({ length: N }, (_, k) => raw(history.length + k));
      const vsTruth = worst(f.values, truth);
      const vsOracle = worst(f.values, oracle());
      assert.ok(vsOracle < 2e-5, `max |forecast − float64 recursion| = ${vsOracle}`);
      assert.ok(vsTruth < 1e-4, `max |forecast − sine| = ${vsTruth}`);
      f.scaled.forEach((v, k) => assert.ok(Math.abs(norm.min + ((v + 1) / 2) * (norm.max - norm.min) - f.values[k]) < 1e-12));
    });

  it('reads only the last `window` values of a longer history; without a window, all of it', async () => {
    const long = await forecast(doc, weights, { history, steps: 5, window: W, normalisation: norm }, reference);
    const cut = await forecast(doc, weights, { history: history.slice(-W), steps: 5, normalisation: norm }, reference);
    assert.deepEqual(long, cut);
    assert.equal((await forecast(doc, weights, { history, steps: 1 }, reference)).window, history.length);
  });

  it('without a normalisation, values stay on the model scale', async () => {
    const scaled = history.map((x) => (x - norm.min) * s - 1);
    const plain = await forecast(doc, weights, { history: scaled, steps: 10, window: W }, reference);
    const normalised = await forecast(doc, weights, { history, steps: 10, window: W, normalisation: norm }, reference);
    assert.ok(worst(plain.values, normalised.scaled) < 1e-6);
    assert.deepEqual(plain.values, plain.scaled);
  });
});

describe('forecast: a small Elman network trained on the sine dataset', () => {
  it('matches an independent float64 run of the same network over the sliding window', async () => {
    const H = 6;
    const doc = { ...windowModel(H, 'tanh'), dataset: { type: 'sine' as const, params: { window: 10, samples: 128, period: 20, noise: 0, seed: 3 } } };
    const loaded = loadDataset(doc.dataset, datasetFiles('.'));
    assert.ok(loaded.ok);
    const dataset: Dataset = loaded.value;
    const norm = dataset.normalisation!;
    const started = performance.now();
    const result = await train({ graph: doc, dataset, executor: ort, settings: { ...resolveTraining({ epochs: 8, batchSize: 16, seed: 2 }), optimizer: { type: 'adam', learningRate: 0.02, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } } });
    const seconds = (performance.now() - started) / 1000;
    assert.ok(result.history.at(-1)!.loss < dataset.baseline!.value, `trained: loss ${result.history.at(-1)!.loss} vs baseline ${dataset.baseline!.value}`);

    const w = (name: string) => Array.from(result.weights.get(name)!);
    const [K, U, bias, D, dBias] = [w('rnn.kernel'), w('rnn.recurrentKernel'), w('rnn.bias'), w('next.kernel'), w('next.bias')];
    /** h_t = tanh(x_t K + h_{t−1} U + b) over the window from h = 0; y = h_T D + d. */
    const net = (window: readonly number[]) => {
      let h = new Array<number>(H).fill(0);
      for (const x of window) h = h.map((_, j) => Math.tanh(x * K[j] + h.reduce((acc, hi, i) => acc + hi * U[i * H + j], 0) + bias[j]));
      return h.reduce((acc, hj, j) => acc + hj * D[j], dBias[0]);
    };
    const history = Array.from({ length: 25 }, (_, t) => 0.8 * Math.sin((2 * Math.PI * t) / 20 + 0.3));
    const steps = 40;
    const v = history.map((x) => (x - norm.min) * (2 / (norm.max - norm.min)) - 1);
    for (let k = 0; k < steps; k++) v.push(net(v.slice(-10)));
    const expected = v.slice(history.length).map((y) => norm.min + ((y + 1) / 2) * (norm.max - norm.min));

    for (const [name, executor] of executors) {
      const f = await forecast(doc, result.weights, { history, steps, window: 10, normalisation: norm }, executor);
      const diff = worst(f.values, expected);
      assert.ok(diff < 1e-5, `${name}: max |forecast − float64| = ${diff} (trained in ${seconds.toFixed(1)} s)`);
    }
  });
});

describe('the forecast settings a model file gives', () => {
  const spec = { type: 'sine' as const, params: { window: 7, samples: 64, period: 13, noise: 0.1, seed: 4 } };
  const loaded = loadDataset(spec, datasetFiles('.'));
  assert.ok(loaded.ok);
  const regenerated = loaded.value.normalisation!;
  const model = (training: Partial<NonNullable<ModelFile['training']>> | undefined, dataset?: typeof spec): ModelFile => ({
    format: 'rnn-studio.model',
    version: 1,
    graph: { ...windowModel(2, 'tanh'), ...(dataset ? { dataset } : {}) },
    training: training && { epochs: 1, steps: 1, finalLoss: null, seed: 1, savedAt: '2024-01-01T00:00:00Z', ...training },
    weights: {},
  });

  it('the normalisation recorded in the file wins; the window is the dataset’s', () => {
    const stored = { min: -3, max: 5 };
    assert.deepEqual(modelForecastSettings(model({ dataset: spec, normalisation: stored }), '.'), { window: 7, normalisation: stored, normalisationFrom: 'model' });
  });

  it('a file without it gets it by regenerating the dataset (training record first, then the graph’s)', () => {
    assert.deepEqual(modelForecastSettings(model({ dataset: spec }), '.'), { window: 7, normalisation: regenerated, normalisationFrom: 'dataset' });
    assert.deepEqual(modelForecastSettings(model(undefined, spec), '.'), { window: 7, normalisation: regenerated, normalisationFrom: 'dataset' });
    assert.ok(regenerated.min < -1 && regenerated.max > 1, 'noise widened the range, so this is not the identity');
  });

  it('no dataset and nothing recorded: no normalisation, no window', () => {
    assert.deepEqual(modelForecastSettings(model(undefined), '.'), { window: undefined, normalisation: undefined, normalisationFrom: 'none' });
  });

  it('a dataset that cannot be regenerated is an error only when the normalisation is missing', () => {
    const text = { type: 'text' as const, params: { file: 'no-such-file.txt' } };
    const file = (normalisation?: Normalisation): ModelFile => ({ ...model(undefined), training: { epochs: 1, steps: 1, finalLoss: null, seed: 1, savedAt: '2024-01-01T00:00:00Z', dataset: text, normalisation } });
    assert.throws(() => modelForecastSettings(file(), '/nowhere'), (e: unknown) => e instanceof InputError && /does not record its normalisation.*file not found/.test(e.message));
    assert.deepEqual(modelForecastSettings(file({ min: 0, max: 1 }), '/nowhere').normalisation, { min: 0, max: 1 });
  });
});

describe('forecast refuses', () => {
  const doc = windowModel(2, 'linear');
  const weights = new Map([
    ['rnn.kernel', new Float32Array(2)],
    ['rnn.recurrentKernel', new Float32Array(4)],
    ['rnn.bias', new Float32Array(2)],
    ['next.kernel', new Float32Array(2)],
    ['next.bias', new Float32Array(1)],
  ]);
  const cases: [string, Parameters<typeof forecast>[2], RegExp][] = [
    ['a history shorter than the window', { history: [1, 2, 3], steps: 2, window: 5 }, /history has 3 values; the window needs 5/],
    ['zero steps', { history: [1, 2], steps: 0 }, /steps must be a positive integer, got 0/],
    ['a history value that is not a number', { history: [1, NaN, 3], steps: 1 }, /history value 1 is NaN, not a finite number/],
    ['a normalisation with min > max', { history: [1, 2], steps: 1, normalisation: { min: 2, max: 1 } }, /normalisation: min 2 must be less than max 1/],
  ];
  for (const [what, o, message] of cases)
    it(what, async () => {
      await assert.rejects(forecast(doc, weights, o, reference), (e: unknown) => e instanceof InputError && message.test(e.message));
    });

  const graphs: [string, ReturnType<typeof graph>, RegExp][] = [
    ['a token model', graph({ x: ['input', { kind: 'tokens', size: 3 }], e: ['embedding', { dim: 2 }], o: ['output'] }, ['x -> e', 'e -> o']), /input 'x' reads token ids/],
    ['an input of two features', graph({ x: ['input', { size: 2 }], r: ['elman', { units: 1, returnSequences: false }], o: ['output'] }, ['x -> r', 'r -> o']), /input 'x' must read 1 feature per step; it reads 2/],
    ['an input that is not a sequence', graph({ x: ['input', { sequence: false }], o: ['output'] }, ['x -> o']), /needs a sequence input/],
  ];
  for (const [what, g, message] of graphs)
    it(what, async () => {
      await assert.rejects(forecast(g, new Map(), { history: [1, 2], steps: 1 }, reference), (e: unknown) => e instanceof InputError && message.test(e.message));
    });

  it('a model that predicts two values', async () => {
    const two = graph({ x: ['input', { size: 1 }], r: ['elman', { units: 2, returnSequences: false }], o: ['output'] }, ['x -> r', 'r -> o']);
    const w = new Map([
      ['r.kernel', new Float32Array(2)],
      ['r.recurrentKernel', new Float32Array(4)],
      ['r.bias', new Float32Array(2)],
    ]);
    await assert.rejects(forecast(two, w, { history: [1, 2], steps: 1 }, reference), /predicts 1 value per window; output 'o' has shape \[1, 2\]/);
  });
});
