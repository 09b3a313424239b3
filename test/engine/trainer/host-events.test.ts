/**
 * The new numbers reach the UI: a run through the engine service with every new setting on sends
 * events that parse with the protocol's schemas (the harness parses each one) and carry the chunk,
 * the clipping flags, the gradient norms over time, the learning rate, the validation loss and
 * metrics, and the best epoch.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { harness, templateJson } from '../host/harness.ts';

const h = harness();
after(() => h.service.dispose());

test('a run with a split, a schedule, clipping, truncated BPTT, gradient norms and early stopping: every event parses and carries its numbers', async () => {
  const g = templateJson('weather-food-jordan.rnn.json');
  g.dataset.params.samples = 128;
  g.training = {
    ...g.training,
    epochs: 3,
    validationSplit: 0.25,
    schedule: { type: 'exponential', decayRate: 0.5 },
    clipValue: 0.05,
    clipNorm: 1,
    truncatedBptt: { steps: 4 },
    gradientNormsOverTime: 2,
    earlyStopping: { patience: 5 },
  };
  const { runId } = await h.ok('train.start', { graph: g, executor: 'reference' });
  await h.until((events) => events.some((e) => e.type === 'train.ended' && e.runId === runId), 'the run to end', 60_000);

  const [started] = h.eventsOf('train.started', runId);
  assert.deepEqual(
    { examples: started.examples, validationExamples: started.validationExamples, chunksPerBatch: started.chunksPerBatch, stepsPerEpoch: started.stepsPerEpoch },
    { examples: 128, validationExamples: 32, chunksPerBatch: 3, stepsPerEpoch: 9 },
  );

  const points = h.eventsOf('train.steps', runId).flatMap((e) => e.points);
  assert.equal(points.length, 3 * 3 * 3, 'epochs × batches of 32 of the 96 training examples × chunks');
  assert.deepEqual(points.map((p) => p.chunk), points.map((_, i) => (i % 3) + 1));
  assert.deepEqual(points.filter((p) => p.stateGradNorms).map((p) => p.step), [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27]);
  for (const p of points.filter((q) => q.stateGradNorms)) {
    const [norms] = p.stateGradNorms!;
    assert.equal(norms.block, 'cook');
    assert.equal(norms.start, [0, 4, 8][p.chunk! - 1]);
    assert.equal(norms.norms.length, [4, 4, 2][p.chunk! - 1]);
  }
  assert.ok(points.every((p) => p.clipped === (p.clippedValue || p.clippedNorm)));
  assert.ok(points.some((p) => p.clippedValue));

  const epochs = h.eventsOf('train.epoch', runId);
  assert.deepEqual(epochs.map((e) => e.learningRate), [0.03, 0.015, 0.0075]);
  for (const e of epochs) {
    assert.ok(e.validation && e.validation.loss > 0);
    assert.deepEqual(Object.keys(e.validation.metrics).sort(), ['accuracy', 'perplexity']);
    assert.deepEqual(Object.keys(e.metrics).sort(), ['accuracy', 'perplexity']);
  }
  const [ended] = h.eventsOf('train.ended', runId);
  assert.equal(ended.reason, 'completed');
  assert.ok(ended.best && ended.best.monitor === 'validation' && ended.best.epoch >= 1 && ended.best.epoch <= 3);
  assert.equal(ended.best.loss, Math.min(...epochs.map((e) => e.validation!.loss)));
});
