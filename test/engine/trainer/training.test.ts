/**
 * Training learns: each shipped template, trained with its own settings, beats the trivial
 * predictor of its dataset by far, and the trainer's guarantees hold (same seed, same losses; a
 * diverging run keeps its last good weights; cancellation; the event stream; the float64
 * reference agrees with ONNX Runtime).
 *
 * Baselines are measured here from the data, not read from the dataset. The numbers in the test
 * names were measured with ONNX Runtime 1.30 on 2 CPU threads; each test also prints its own
 * numbers as diagnostics.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseExecutor, type Executor } from '../../../engine/executors/index.ts';
import { Optimizer, resolveTraining, type ResolvedTraining } from '../../../engine/graph/schema.ts';
import type { Dataset } from '../../../engine/datasets/index.ts';
import { train, type TrainEvent, type TrainOptions, type TrainResult } from '../../../engine/trainer/train.ts';
import { graph } from '../../helpers/graphs.ts';
import { RecordingExecutor } from '../../helpers/recording-executor.ts';
import { allFinite, copyWeights, datasetOf, loadTemplate, predict, type Template } from '../../helpers/templates.ts';

let executor: Executor;
let executorReason: string | null;
before(async () => {
  ({ executor, reason: executorReason } = await chooseExecutor('auto'));
});
after(() => executor.dispose());

/** Trains `template` with its own settings (or `settings` over them), collecting every event. */
async function trainTemplate(
  template: Template,
  settings: Partial<ResolvedTraining> = {},
  extra: Partial<TrainOptions> = {},
): Promise<TrainResult & { events: TrainEvent[] }> {
  const events: TrainEvent[] = [];
  const result = await train({
    graph: template.graph,
    dataset: template.dataset,
    settings: { ...template.settings, ...settings },
    executor,
    executorReason,
    ...extra,
    onEvent: (e) => {
      events.push(e);
      extra.onEvent?.(e);
    },
  });
  return { ...result, events };
}

const stepLosses = (events: readonly TrainEvent[]): number[] => events.flatMap((e) => (e.type === 'step' ? [e.loss] : []));
const finalLoss = (r: TrainResult): number => r.history.at(-1)!.loss;

/** Index of the largest of the `classes` values at row `i` of a flat [rows, classes] array. */
function argmax(data: Float32Array, i: number, classes: number): number {
  let best = 0;
  for (let k = 1; k < classes; k++) if (data[i * classes + k] > data[i * classes + best]) best = k;
  return best;
}

/** Mean squared error of predicting every dense per-example target with `guess(n)`. */
function mseOf(d: Dataset, guess: (n: number) => number): number {
  let sum = 0;
  for (let n = 0; n < d.size; n++) sum += (d.y.data[n] - guess(n)) ** 2;
  return sum / d.size;
}

describe('training learns each template, far beyond a trivial predictor', () => {
  test('weather-food (Jordan): final epoch accuracy exactly 1 (most-frequent-dish baseline 0.347); every dish right on fresh data, T = 10 and T = 40', async (t) => {
    const template = loadTemplate('weather-food-jordan.rnn.json');
    const { dataset } = template;
    assert.equal(dataset.y.kind, 'tokens');
    const classes = dataset.y.kind === 'tokens' ? dataset.y.vocabulary : 0;
    const counts = new Array<number>(classes).fill(0);
    for (const dish of dataset.y.data) counts[dish]++;
    const baseline = Math.max(...counts) / dataset.y.data.length;
    assert.ok(Math.abs(baseline - dataset.baseline!.value) < 1e-12 && baseline < 0.4, `baseline ${baseline}`);

    const r = await trainTemplate(template);
    assert.equal(r.end.reason, 'completed');
    const accuracy = r.history.at(-1)!.metrics.accuracy;
    t.diagnostic(`final epoch: accuracy ${accuracy}, loss ${finalLoss(r).toPrecision(3)}; baseline accuracy ${baseline.toFixed(3)}`);
    assert.equal(accuracy, 1);

    // Generalisation: data it never saw, from another seed, and sequences four times as long.
    for (const params of [{ seed: 2 }, { seed: 3, steps: 40 }]) {
      const fresh = datasetOf(template.graph, params);
      const out = await predict(executor, template.graph, fresh, r.weights);
      const prediction = out['out:dish'];
      assert.deepEqual(prediction.shape, [fresh.steps, fresh.size, classes]);
      let wrong = 0;
      for (let step = 0; step < fresh.steps; step++)
        for (let n = 0; n < fresh.size; n++) if (argmax(prediction.data, step * fresh.size + n, classes) !== fresh.y.data[n * fresh.steps + step]) wrong++;
      t.diagnostic(`fresh data ${JSON.stringify(params)}: ${wrong} wrong of ${fresh.size * fresh.steps}, loss ${out.loss.data[0].toPrecision(3)}`);
      assert.equal(wrong, 0, `${wrong} dishes wrong on ${JSON.stringify(params)}`);
    }
  });

  test('adding problem (LSTM, T = 30): final MSE 5.3e-4, held-out 7.0e-4, against 0.166 for always answering the mean', async (t) => {
    const template = loadTemplate('adding-lstm.rnn.json');
    const { dataset } = template;
    assert.ok(dataset.steps >= 30, `T = ${dataset.steps}`);
    let mean = 0;
    for (let n = 0; n < dataset.size; n++) mean += dataset.y.data[n] / dataset.size;
    const baseline = mseOf(dataset, () => mean);
    // The mean of the sum of two U(0, 1) is 1 and its variance 1/6.
    assert.ok(Math.abs(baseline - 1 / 6) < 0.02, `baseline ${baseline}`);
    assert.ok(Math.abs(mseOf(dataset, () => 1) - dataset.baseline!.value) < 1e-12);

    const r = await trainTemplate(template);
    assert.equal(r.end.reason, 'completed');
    const heldOut = datasetOf(template.graph, { seed: 2, samples: 1000 });
    const heldOutLoss = (await predict(executor, template.graph, heldOut, r.weights)).loss.data[0];
    t.diagnostic(`final epoch MSE ${finalLoss(r).toPrecision(3)}, held-out MSE ${heldOutLoss.toPrecision(3)}; mean baseline ${baseline.toPrecision(3)} (mean ${mean.toFixed(3)})`);
    assert.ok(finalLoss(r) < 0.01, `final MSE ${finalLoss(r)}`);
    assert.ok(heldOutLoss < 0.01, `held-out MSE ${heldOutLoss}`);
  });

  test('char-level GRU: final loss 0.42 nats, below 0.5·ln 40 = 1.84 and the unigram baseline 3.02', async (t) => {
    const template = loadTemplate('char-gru.rnn.json');
    const { dataset } = template;
    assert.equal(dataset.y.kind, 'tokens');
    const vocabulary = dataset.y.kind === 'tokens' ? dataset.y.vocabulary : 0;
    const counts = new Float64Array(vocabulary);
    for (const id of dataset.y.data) counts[id]++;
    let unigram = 0;
    for (const c of counts) if (c > 0) unigram -= (c / dataset.y.data.length) * Math.log(c / dataset.y.data.length);
    assert.ok(unigram < Math.log(vocabulary));

    const r = await trainTemplate(template);
    assert.equal(r.end.reason, 'completed');
    t.diagnostic(`final epoch loss ${finalLoss(r).toFixed(3)} nats (accuracy ${r.history.at(-1)!.metrics.accuracy.toFixed(3)}); ln V = ${Math.log(vocabulary).toFixed(3)} (V = ${vocabulary}), unigram ${unigram.toFixed(3)}`);
    assert.ok(finalLoss(r) < 0.5 * Math.log(vocabulary), `final loss ${finalLoss(r)} vs 0.5·ln ${vocabulary}`);
    assert.ok(finalLoss(r) < unigram, `final loss ${finalLoss(r)} vs unigram ${unigram}`);
  });

  test('sine (Elman): final MSE 6.6e-4, held-out 5.9e-4, against persistence 0.0296', async (t) => {
    const template = loadTemplate('sine-elman.rnn.json');
    const { dataset } = template;
    const persistence = mseOf(dataset, (n) => dataset.x.data[(n + 1) * dataset.steps - 1]);
    assert.ok(Math.abs(persistence - dataset.baseline!.value) < 1e-9, `persistence ${persistence}`);

    const r = await trainTemplate(template);
    assert.equal(r.end.reason, 'completed');
    const heldOut = datasetOf(template.graph, { seed: 2 });
    const heldOutLoss = (await predict(executor, template.graph, heldOut, r.weights)).loss.data[0];
    t.diagnostic(`final epoch MSE ${finalLoss(r).toPrecision(3)}, held-out MSE ${heldOutLoss.toPrecision(3)}; persistence ${persistence.toPrecision(3)}`);
    assert.ok(finalLoss(r) < persistence / 10, `final MSE ${finalLoss(r)} vs persistence ${persistence}`);
    assert.ok(heldOutLoss < persistence / 10, `held-out MSE ${heldOutLoss} vs persistence ${persistence}`);
  });
});

describe('trainer guarantees', () => {
  test('determinism: the same seed gives bit-identical losses and weights; another seed does not', async () => {
    const template = loadTemplate('sine-elman.rnn.json');
    const settings = { epochs: 3 };
    const a = await trainTemplate(template, settings);
    const b = await trainTemplate(template, settings);
    const c = await trainTemplate(template, { ...settings, seed: 2 });
    const [lossesA, lossesB, lossesC] = [a, b, c].map((r) => stepLosses(r.events));
    assert.equal(lossesA.length, 48);
    assert.deepStrictEqual(lossesA, lossesB);
    assert.deepStrictEqual(a.weights, b.weights);
    assert.equal(lossesC.length, 48);
    assert.ok(lossesC.every((loss, i) => loss !== lossesA[i]), 'seed 2 gives other weights and another batch order, so other losses at every step');
  });

  describe('NaN guard: SGD at the largest learning rate the schema allows (10) on the sine template', () => {
    const template = loadTemplate('sine-elman.rnn.json');
    const sgd: Optimizer = { type: 'sgd', learningRate: 10 };

    test('the schema refuses a learning rate of 1e4, so 10 is the most a user can set', () => {
      assert.equal(Optimizer.safeParse({ type: 'sgd', learningRate: 1e4 }).success, false);
      assert.equal(Optimizer.safeParse(sgd).success, true);
    });

    test('the loss overflows at step 12: training ends "diverged", naming epoch 1, batch 12, and keeps the finite weights from before that step', async (t) => {
      const recorder = new RecordingExecutor(executor);
      const r = await trainTemplate(template, { optimizer: sgd }, { executor: recorder });
      const good = r.end.steps;
      const failing = recorder.runs[good];
      t.diagnostic(`${good} good steps, last good loss ${r.end.loss}; then loss ${failing.outputs.loss.data[0]}; message: ${r.end.message}`);
      assert.equal(r.end.reason, 'diverged');
      assert.equal(recorder.runs.length, good + 1, 'no step runs after the failing one');
      assert.ok(!Number.isFinite(failing.outputs.loss.data[0]));
      assert.ok(stepLosses(r.events).every(Number.isFinite));
      assert.equal(stepLosses(r.events).length, good);
      assert.equal(r.end.loss, stepLosses(r.events).at(-1));

      const start = r.events[0];
      assert.ok(start.type === 'start');
      const { batchesPerEpoch } = start;
      const epoch = Math.floor(good / batchesPerEpoch) + 1;
      const batch = (good % batchesPerEpoch) + 1;
      assert.match(r.end.message, new RegExp(`epoch ${epoch}, batch ${batch}\\b`));
      assert.match(r.end.message, /lower the learning rate/i);
      assert.match(r.end.message, /clipNorm/);
      assert.equal(r.end.epochs, epoch - 1);
      assert.equal(r.events.at(-1), r.end);

      assert.ok(allFinite(r.weights));
      const params = r.weightInfo.map((w) => w.param);
      assert.deepStrictEqual(r.weights, recorder.weightsOf(good, params), 'the weights are those the failing step started from');
      assert.notDeepStrictEqual(r.weights, recorder.weightsOf(good - 1, params));
    });

    test('the same run stopped after its good steps ends with the same weights', async () => {
      const diverged = await trainTemplate(template, { optimizer: sgd });
      const controller = new AbortController();
      const stopped = await trainTemplate(
        template,
        { optimizer: sgd },
        { signal: controller.signal, onEvent: (e) => e.type === 'step' && e.step === diverged.end.steps && controller.abort() },
      );
      assert.equal(stopped.end.reason, 'cancelled');
      assert.equal(stopped.end.steps, diverged.end.steps);
      assert.deepStrictEqual(stopped.weights, diverged.weights);
    });

    test('with clipNorm 1 the same run stays finite for all 320 steps (it does not learn at this rate: last epoch MSE ≈ 600)', async (t) => {
      const r = await trainTemplate(template, { optimizer: sgd, clipNorm: 1 });
      const losses = stepLosses(r.events);
      const clipped = r.events.filter((e) => e.type === 'step' && e.clipped).length;
      t.diagnostic(`end ${r.end.reason}; ${clipped} of ${losses.length} steps clipped; epoch MSE ${r.history.map((h) => h.loss.toPrecision(3)).join(', ')}`);
      assert.equal(r.end.reason, 'completed');
      assert.equal(losses.length, 320);
      assert.ok(losses.every(Number.isFinite));
      assert.ok(allFinite(r.weights));
      assert.ok(clipped > 0);
    });

    test(
      'a finite loss whose SGD update would overflow a weight to ±Infinity ends "diverged" with the pre-step weights',
      async () => {
        // loss = (w·x + b − y)² with w = b = 0, x = y = 1e19: loss 1e38 and gradient −2e38 are finite
        // in float32, but w − 10·(−2e38) = 2e39 is not.
        const doc = graph({ x: ['input', { size: 1, sequence: false }], d: ['dense', { units: 1 }], o: ['output'] }, ['x -> d', 'd -> o']);
        const dataset: Dataset = {
          type: 'custom',
          steps: 1,
          size: 1,
          x: { kind: 'dense', perStep: false, features: 1, data: Float32Array.of(1e19) },
          y: { kind: 'dense', perStep: false, features: 1, data: Float32Array.of(1e19) },
        };
        const zeros = new Map([
          ['d.kernel', Float32Array.of(0)],
          ['d.bias', Float32Array.of(0)],
        ]);
        for (const epochs of [1, 2]) {
          const r = await train({ graph: doc, dataset, executor, weights: copyWeights(zeros), settings: { ...resolveTraining({ epochs, batchSize: 1 }), optimizer: sgd } });
          const shown = JSON.stringify([...r.weights].map(([k, v]) => [k, [...v]]));
          assert.equal(r.end.reason, 'diverged', `epochs ${epochs}: ended ${r.end.reason} with weights ${shown}`);
          assert.deepStrictEqual(r.weights, zeros, `epochs ${epochs}: the weights from before the step that overflowed`);
        }
      },
    );
  });

  describe('cancellation', () => {
    const template = loadTemplate('sine-elman.rnn.json');

    for (const stopAt of [3, 16]) {
      test(`aborting from the onEvent callback at step ${stopAt} ends "cancelled" after exactly ${stopAt} steps`, async () => {
        const recorder = new RecordingExecutor(executor);
        const controller = new AbortController();
        const r = await trainTemplate(
          template,
          {},
          { executor: recorder, signal: controller.signal, onEvent: (e) => e.type === 'step' && e.step === stopAt && controller.abort() },
        );
        assert.equal(r.end.reason, 'cancelled');
        assert.equal(r.end.steps, stopAt);
        assert.equal(stepLosses(r.events).length, stopAt);
        assert.equal(recorder.runs.length, stopAt, 'no step is computed after the abort');
        assert.match(r.end.message, new RegExp(`step ${stopAt}\\b`));
        // 16 batches per epoch: step 16 completes epoch 1.
        assert.equal(r.end.epochs, stopAt === 16 ? 1 : 0);
        assert.equal(r.history.length, r.end.epochs);
        assert.equal(r.events.at(-1), r.end);
        assert.ok(allFinite(r.weights));
      });
    }
  });

  test('event stream: start (executor, parameter count), numbered steps, an epoch after each 18 batches (the last one of 2 examples), end last', async () => {
    const template = loadTemplate('weather-food-jordan.rnn.json');
    const epochs = 3;
    const batchSize = 30; // 512 = 17 × 30 + 2
    const r = await trainTemplate(template, { epochs, batchSize });
    const { events } = r;

    const start = events[0];
    assert.ok(start.type === 'start', `the first event is ${start.type}`);
    assert.deepEqual(start.executor, executor.describe());
    assert.equal(start.executorReason, executorReason);
    const parameters = r.weightInfo.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
    assert.equal(start.parameters, parameters);
    assert.equal(start.parameters, [...r.weights.values()].reduce((sum, w) => sum + w.length, 0));
    assert.deepEqual(
      { examples: start.examples, steps: start.steps, batchSize: start.batchSize, batchesPerEpoch: start.batchesPerEpoch, epochs: start.epochs },
      { examples: 512, steps: 10, batchSize, batchesPerEpoch: 18, epochs },
    );
    assert.equal(events.filter((e) => e.type === 'start').length, 1);

    assert.equal(events.at(-1), r.end);
    assert.equal(events.filter((e) => e.type === 'end').length, 1);
    assert.deepEqual({ reason: r.end.reason, epochs: r.end.epochs, steps: r.end.steps }, { reason: 'completed', epochs, steps: 18 * epochs });

    let step = 0;
    const epochEvents: Extract<TrainEvent, { type: 'epoch' }>[] = [];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      let weighted = 0;
      for (let batch = 1; batch <= 18; batch++) {
        const e = events[1 + (epoch - 1) * 19 + (batch - 1)];
        assert.ok(e.type === 'step', `event ${1 + (epoch - 1) * 19 + (batch - 1)} is ${e.type}`);
        assert.deepEqual({ epoch: e.epoch, batch: e.batch, step: e.step }, { epoch, batch, step: ++step });
        assert.ok(Number.isFinite(e.loss) && e.gradNorm >= 0 && e.stepsPerSecond > 0);
        assert.equal(e.clipped, false);
        weighted += e.loss * (batch === 18 ? 2 : 30);
      }
      const e = events[epoch * 19];
      assert.ok(e.type === 'epoch', `event ${epoch * 19} is ${e.type}`);
      assert.equal(e.epoch, epoch);
      assert.ok(Math.abs(e.loss - weighted / 512) <= 1e-12 * Math.abs(e.loss), 'the epoch loss is the mean over examples');
      assert.ok(e.metrics.accuracy >= 0 && e.metrics.accuracy <= 1);
      assert.ok(e.seconds >= 0);
      epochEvents.push(e);
    }
    assert.equal(events.length, 1 + epochs * 19 + 1);
    assert.equal(r.end.loss, stepLosses(events).at(-1));
    assert.deepEqual(
      r.history,
      epochEvents.map((e) => ({ epoch: e.epoch, loss: e.loss, metrics: e.metrics })),
    );
  });

  test('the float64 reference executor and ONNX Runtime agree on the first step of the LSTM template (loss and every gradient to 1e-4)', async (t) => {
    assert.equal(executorReason, null, 'ONNX Runtime is a dependency and must load');
    const template = loadTemplate('adding-lstm.rnn.json');
    const firstStep = async (inner: Executor) => {
      const recorder = new RecordingExecutor(inner);
      const controller = new AbortController();
      const r = await trainTemplate(template, {}, { executor: recorder, signal: controller.signal, onEvent: (e) => e.type === 'step' && controller.abort() });
      assert.equal(r.end.steps, 1);
      assert.equal(recorder.runs.length, 1);
      const start = r.events[0];
      assert.ok(start.type === 'start');
      return { run: recorder.runs[0], executorName: start.executor.name, params: r.weightInfo.map((w) => w.param) };
    };
    const { executor: reference } = await chooseExecutor('reference');
    const ref = await firstStep(reference);
    const ort = await firstStep(executor);
    assert.deepEqual([ref.executorName, ort.executorName], ['reference-float64', 'onnxruntime-cpu']);
    assert.deepStrictEqual(ref.run.feeds, ort.run.feeds, 'both start from the same weights and batch');

    const relative = (a: Float32Array, b: Float32Array): number => {
      let scale = 0;
      let worst = 0;
      for (let i = 0; i < b.length; i++) {
        scale = Math.max(scale, Math.abs(b[i]));
        worst = Math.max(worst, Math.abs(a[i] - b[i]));
      }
      return worst / scale;
    };
    const names = ['loss', ...ref.params.map((p) => `grad:${p}`)];
    assert.equal(ref.params.length, 5, 'lstm kernel, recurrent kernel and bias; dense kernel and bias');
    const errors = names.map((n) => [n, relative(ort.run.outputs[n].data, ref.run.outputs[n].data)] as const);
    t.diagnostic(errors.map(([n, e]) => `${n}: ${e.toExponential(1)}`).join(', '));
    for (const [n, e] of errors) assert.ok(e <= 1e-4, `${n}: relative error ${e}`);
  });
});
