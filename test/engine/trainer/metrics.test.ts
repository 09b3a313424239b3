/**
 * Epoch metrics: accuracy and perplexity for softmax outputs, mse for squared-error outputs, for
 * training (from the predictions each step returned) and validation (the forward pass over the
 * held-out examples). Checked against hand-worked numbers, against loops written here over what
 * each recorded step returned, against the loss (perplexity = e^loss, mse = loss, for one output),
 * and, for validation, against one forward pass over all held-out examples at once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../../engine/datasets/types.ts';
import { chooseExecutor, type Executor, float32, type FloatTensor, int32 } from '../../../engine/executors/index.ts';
import { MetricSums, MIN_PROBABILITY } from '../../../engine/trainer/metrics.ts';
import { splitExamples } from '../../../engine/trainer/split.ts';
import { RecordingExecutor } from '../../helpers/recording-executor.ts';
import { loadTemplate, predict } from '../../helpers/templates.ts';
import { epochsOf, trainCollecting } from './fixtures.ts';

let executor: Executor;
before(async () => {
  ({ executor } = await chooseExecutor('auto'));
});
after(() => executor.dispose());

const out = (shape: number[], data: number[]): FloatTensor => float32(shape, Float32Array.from(data));

describe('MetricSums on numbers worked out by hand', () => {
  // Two examples × two steps, three classes: targets 0, 2 / 1, 1.
  const probabilities = [0.7, 0.2, 0.1, /* */ 0.1, 0.3, 0.6, /* */ 0.2, 0.5, 0.3, /* */ 0.5, 0.25, 0.25];
  const targets = int32([2, 2], Int32Array.of(0, 2, 1, 1));

  test('softmax over a sequence: accuracy 3/4 and perplexity exp(−(ln 0.7 + ln 0.6 + ln 0.5 + ln 0.25)/4)', () => {
    const sums = new MetricSums([{ node: 'o', loss: 'softmaxCrossEntropy', size: 3, perStep: true }]);
    sums.add({ 'out:o': out([2, 2, 3], probabilities) }, targets);
    const m = sums.result();
    assert.deepEqual(Object.keys(m).sort(), ['accuracy', 'perplexity']);
    assert.equal(m.accuracy, 0.75);
    const expected = Math.exp(-(Math.log(0.7) + Math.log(0.6) + Math.log(0.5) + Math.log(0.25)) / 4);
    assert.ok(Math.abs(m.perplexity - expected) < 1e-6 * expected, `${m.perplexity} vs ${expected}`);
  });

  test('accumulates over batches by count, not by batch; one vector per example has accuracy but no perplexity', () => {
    const sums = new MetricSums([{ node: 'o', loss: 'softmaxCrossEntropy', size: 2, perStep: false }]);
    sums.add({ 'out:o': out([1, 2], [0.9, 0.1]) }, int32([1], Int32Array.of(0)));
    sums.add({ 'out:o': out([3, 2], [0.9, 0.1, 0.2, 0.8, 0.6, 0.4]) }, int32([3], Int32Array.of(1, 1, 1)));
    assert.deepEqual(sums.result(), { accuracy: 0.5 });
  });

  test('a probability rounded to 0 counts as MIN_PROBABILITY, so perplexity stays finite', () => {
    const sums = new MetricSums([{ node: 'o', loss: 'softmaxCrossEntropy', size: 2, perStep: true }]);
    sums.add({ 'out:o': out([1, 1, 2], [1, 0]) }, int32([1, 1], Int32Array.of(1)));
    assert.ok(Math.abs(sums.result().perplexity - 1 / MIN_PROBABILITY) < 1e-6 / MIN_PROBABILITY);
  });

  test('mse: mean of squared errors over every value; with two outputs each metric is prefixed by its node', () => {
    const sums = new MetricSums([
      { node: 'a', loss: 'meanSquaredError', size: 2, perStep: false },
      { node: 'b', loss: 'softmaxCrossEntropy', size: 2, perStep: false },
      { node: 'c', loss: 'binaryCrossEntropy', size: 2, perStep: false },
    ]);
    const y = float32([2, 2], Float32Array.of(1, 0, 0, 1));
    sums.add({ 'out:a': out([2, 2], [0.5, 0, 1, 3]), 'out:b': out([2, 2], [0.9, 0.1, 0.3, 0.7]), 'out:c': out([2, 2], [0, 0, 0, 0]) }, y);
    const m = sums.result();
    assert.equal(m['a.mse'], (0.25 + 0 + 1 + 4) / 4);
    assert.deepEqual(Object.keys(m).sort(), ['a.mse', 'b.accuracy']);
  });
});

describe('metrics of a run', () => {
  test('weather-food (softmax per step): training accuracy and perplexity equal loops over the recorded steps, and perplexity = e^loss', async (t) => {
    const template = loadTemplate('weather-food-jordan.rnn.json');
    const node = template.graph.nodes.find((n) => n.type === 'output')!.id;
    const recorder = new RecordingExecutor(executor);
    const r = await trainCollecting({ graph: template.graph, dataset: template.dataset, executor: recorder, settings: { ...template.graph.training, epochs: 2 } });
    const perEpoch = recorder.runs.length / 2;
    epochsOf(r.events).forEach((e, i) => {
      let right = 0;
      let nats = 0;
      let count = 0;
      for (const run of recorder.runs.slice(i * perEpoch, (i + 1) * perEpoch)) {
        const p = run.outputs[`out:${node}`].data;
        const y = run.feeds.y.data;
        const classes = p.length / y.length;
        for (let k = 0; k < y.length; k++) {
          const row = [...p.subarray(k * classes, (k + 1) * classes)];
          if (row.indexOf(Math.max(...row)) === y[k]) right++;
          nats -= Math.log(row[y[k]]);
          count++;
        }
      }
      t.diagnostic(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, accuracy ${e.metrics.accuracy.toFixed(4)}, perplexity ${e.metrics.perplexity.toFixed(4)}`);
      assert.equal(e.metrics.accuracy, right / count);
      assert.ok(Math.abs(e.metrics.perplexity - Math.exp(nats / count)) < 1e-9 * e.metrics.perplexity);
      assert.ok(Math.abs(e.metrics.perplexity - Math.exp(e.loss)) < 1e-4 * e.metrics.perplexity, `perplexity ${e.metrics.perplexity} vs e^loss ${Math.exp(e.loss)}`);
    });
  });

  test('weather-food with a 20% split: validation loss, accuracy and perplexity equal one forward pass over the held-out examples', async (t) => {
    const template = loadTemplate('weather-food-jordan.rnn.json');
    const node = template.graph.nodes.find((n) => n.type === 'output')!.id;
    const settings = { ...template.graph.training, epochs: 2, validationSplit: 0.2 };
    const r = await trainCollecting({ graph: template.graph, dataset: template.dataset, executor, settings });
    const { validation } = splitExamples(template.dataset.size, 0.2, template.settings.seed);
    const d = template.dataset;
    assert.ok(d.x.kind === 'dense' && d.y.kind === 'tokens');
    const F = d.x.features;
    const heldOut: Dataset = {
      ...d,
      size: validation.length,
      x: { ...d.x, data: Float32Array.from(validation.flatMap((n) => [...d.x.data.subarray(n * d.steps * F, (n + 1) * d.steps * F)])) },
      y: { ...d.y, data: Int32Array.from(validation.flatMap((n) => [...d.y.data.subarray(n * d.steps, (n + 1) * d.steps)])) },
    };
    const outputs = await predict(executor, template.graph, heldOut, r.weights);
    const p = outputs[`out:${node}`].data;
    const classes = d.y.vocabulary;
    let right = 0;
    let nats = 0;
    for (let step = 0; step < d.steps; step++)
      for (let j = 0; j < validation.length; j++) {
        const k = step * validation.length + j;
        const row = [...p.subarray(k * classes, (k + 1) * classes)];
        const target = heldOut.y.data[j * d.steps + step];
        if (row.indexOf(Math.max(...row)) === target) right++;
        nats -= Math.log(row[target]);
      }
    const count = d.steps * validation.length;
    const last = epochsOf(r.events).at(-1)!;
    assert.ok(last.validation);
    t.diagnostic(`held out ${validation.length}; validation loss ${last.validation.loss.toFixed(5)} vs ${outputs.loss.data[0].toFixed(5)}, accuracy ${last.validation.metrics.accuracy} vs ${right / count}`);
    assert.ok(Math.abs(last.validation.loss - outputs.loss.data[0]) < 1e-5 * Math.max(1, outputs.loss.data[0]));
    assert.ok(Math.abs(last.validation.metrics.accuracy - right / count) <= 1 / count);
    assert.ok(Math.abs(last.validation.metrics.perplexity - Math.exp(nats / count)) < 1e-4 * Math.exp(nats / count));
  });

  test('sine (one mean-squared-error output): the mse metric is the epoch loss', async () => {
    const template = loadTemplate('sine-elman.rnn.json');
    const r = await trainCollecting({ graph: template.graph, dataset: template.dataset, executor, settings: { ...template.graph.training, epochs: 2 } });
    for (const e of epochsOf(r.events)) {
      assert.deepEqual(Object.keys(e.metrics), ['mse']);
      assert.ok(Math.abs(e.metrics.mse - e.loss) < 1e-5 * e.loss, `${e.metrics.mse} vs ${e.loss}`);
    }
  });
});
