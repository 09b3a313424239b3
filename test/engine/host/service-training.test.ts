/**
 * Training through the engine service: a real run on a template, its events in order and batched
 * without losing a step, pause and resume, stop, one run at a time, and what a finished run's
 * weights are good for (predict, sample, export).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ReferenceExecutor } from '../../../engine/executors/index.ts';
import { predict } from '../../../engine/inference/predict.ts';
import { readModelText, weightsToMap } from '../../../engine/model/file.ts';
import type { HostEvent } from '../../../engine/protocol/index.ts';
import { TEMPLATES_DIR } from '../../helpers/templates.ts';
import { delay, harness, templateJson } from './harness.ts';

const h = harness();
after(() => h.service.dispose());

/** The weather-food template, shortened: 256 examples in batches of 32 (8 steps an epoch). */
function weatherFood(epochs: number) {
  const g = templateJson('weather-food-jordan.rnn.json');
  g.dataset.params.samples = 256;
  g.training.epochs = epochs;
  return g;
}

const runEvents = (runId: string) => h.events.filter((e) => 'runId' in e && e.runId === runId);
const ended = (runId: string) => (events: readonly HostEvent[]) => events.some((e) => e.type === 'train.ended' && e.runId === runId);
const stepsOf = (runId: string) => h.eventsOf('train.steps', runId).flatMap((e) => e.points);

describe('a training run', () => {
  let finishedRun = '';

  it('events in order: started, batched steps (none lost), an epoch after its steps, ended', async () => {
    const { runId } = await h.ok('train.start', { graph: weatherFood(4) });
    assert.deepEqual(runEvents(runId), [], 'the reply comes before the first event of the run');
    await h.until(ended(runId), 'the run to end');
    // Setup progress (compiling, initialising the weights) comes first, and only before the start.
    const setup = runEvents(runId).findIndex((e) => e.type !== 'train.progress');
    assert.ok(setup >= 1, 'setup progress before the start');
    assert.ok(runEvents(runId).slice(setup).every((e) => e.type !== 'train.progress'));
    const events = runEvents(runId).slice(setup);
    assert.equal(events[0].type, 'train.started');
    const started = events[0] as HostEvent & { type: 'train.started' };
    assert.equal(started.examples, 256);
    assert.equal(started.batchesPerEpoch, 8);
    assert.ok(started.parameters > 0);
    const last = events.at(-1)!;
    assert.ok(last.type === 'train.ended');
    assert.equal(last.reason, 'completed');
    assert.equal(last.steps, 32);
    assert.equal(last.epochs, 4);

    const points = stepsOf(runId);
    assert.deepEqual(points.map((p) => p.step), Array.from({ length: 32 }, (_, i) => i + 1), 'every step, once, in order');
    const batches = h.eventsOf('train.steps', runId);
    assert.ok(batches.length < points.length, `${points.length} steps in ${batches.length} events`);
    assert.equal(last.loss, points.at(-1)!.loss);
    // Each epoch's event follows all of its steps, and no step of a later epoch precedes it.
    let seen = 0;
    for (const e of events) {
      if (e.type === 'train.steps') seen += e.points.length;
      if (e.type === 'train.epoch') assert.equal(seen, e.epoch * 8, `epoch ${e.epoch}`);
    }
    assert.deepEqual(h.eventsOf('train.epoch', runId).map((e) => e.epoch), [1, 2, 3, 4]);
    finishedRun = runId;
  });

  it('pause stops the steps until resume; stop while paused ends the run as cancelled; one run at a time', async () => {
    const { runId } = await h.ok('train.start', { graph: weatherFood(100_000) });
    const busy = await h.fails('train.start', { graph: weatherFood(1) });
    assert.equal(busy.code, 'busy');
    assert.match(busy.message, new RegExp(runId));

    await h.until(() => stepsOf(runId).length >= 3, 'a few steps');
    await h.ok('train.pause', { runId });
    await h.until(() => h.eventsOf('train.paused', runId).length === 1, 'the run to pause');
    assert.equal(h.eventsOf('train.paused', runId)[0].paused, true);
    const atPause = stepsOf(runId).length;
    const lastBeforePause = runEvents(runId).at(-1);
    assert.equal(lastBeforePause?.type, 'train.paused', 'every step taken so far was sent before the pause');
    await delay(300);
    assert.equal(stepsOf(runId).length, atPause, 'no step while paused');

    await h.ok('train.resume', { runId });
    assert.deepEqual(h.eventsOf('train.paused', runId).map((e) => e.paused), [true, false]);
    await h.until(() => stepsOf(runId).length >= atPause + 5, 'steps after resuming');
    assert.deepEqual(stepsOf(runId).map((p) => p.step), Array.from({ length: stepsOf(runId).length }, (_, i) => i + 1));

    await h.ok('train.pause', { runId });
    await h.until(() => h.eventsOf('train.paused', runId).length === 3, 'the second pause');
    await h.ok('train.stop', { runId });
    await h.until(ended(runId), 'the stopped run to end', 5000);
    const end = h.eventsOf('train.ended', runId)[0];
    assert.equal(end.reason, 'cancelled');
    assert.equal(end.steps, stepsOf(runId).length);

    // Once it has ended: stopping again is harmless, a new run may start.
    await h.ok('train.stop', { runId });
    const next = await h.ok('train.start', { graph: weatherFood(1) });
    assert.notEqual(next.runId, runId);
    await h.until(ended(next.runId), 'the next run to end');
    assert.equal((await h.fails('train.pause', { runId: 'run-never' })).code, 'not-found');
  });

  it('a graph with errors: graph-has-errors and a diagnostics event from train; no dataset: dataset', async () => {
    const g = weatherFood(1);
    g.nodes.find((n) => n.id === 'weather')!.params.size = 4;
    const e = await h.fails('train.start', { graph: g });
    assert.equal(e.code, 'graph-has-errors');
    const d = h.eventsOf('diagnostics').at(-1)!;
    assert.equal(d.source, 'train');
    assert.ok(d.diagnostics.some((x) => x.severity === 'error' && x.nodeId === 'weather'));

    const { dataset: _dataset, ...noData } = weatherFood(1);
    const n = await h.fails('train.start', { graph: noData });
    assert.equal(n.code, 'dataset');
    assert.match(n.message, /no dataset/);
  });

  it("predict and model.export use the finished run's weights; the exported file predicts the same", async () => {
    const input = { weather: [[[1, 0, 1, 0, 0], [0, 0, 0, 0, 0], [0, 1, 0, 0, 0]]] };
    const { outputs } = await h.ok('predict', { runId: finishedRun, input });
    assert.deepEqual(outputs.dish.shape, [1, 3, 3]);
    for (let t = 0; t < 3; t++) assert.ok(Math.abs(outputs.dish.data.slice(t * 3, t * 3 + 3).reduce((a, b) => a + b, 0) - 1) < 1e-5, 'softmax rows');

    const exported = await h.ok('model.export', { runId: finishedRun });
    assert.equal(exported.suggestedName, 'the-cook-weather-and-food-jordan-network.rnn-model.json');
    const model = readModelText(exported.text);
    assert.ok(model.ok, model.ok ? '' : model.errors.map((e) => e.message).join('; '));
    assert.equal(model.model.training?.steps, 32);
    assert.deepEqual(model.model.training?.vocabulary, ['apple pie', 'burger', 'chicken']);
    // The float64 reference interpreter on the exported weights agrees with the host's prediction.
    const reference = await predict(model.model.graph, weightsToMap(model.model), input, new ReferenceExecutor());
    const worst = Math.max(...reference.outputs.dish.data.map((v, i) => Math.abs(v - outputs.dish.data[i])));
    assert.ok(worst < 1e-5, `max difference ${worst}`);

    const bad = await h.fails('predict', { runId: finishedRun, input: { weather: [[[1, 0, 1]]] } });
    assert.equal(bad.code, 'bad-message');
    assert.match(bad.message, /input 'weather' example 0 step 0: has 3 features, expected 5/);
    assert.equal((await h.fails('predict', { runId: 'run-unknown', input })).code, 'not-found');
    assert.equal((await h.fails('model.export', { runId: 'run-unknown' })).code, 'not-found');
    assert.equal((await h.fails('sample', { runId: finishedRun })).code, 'bad-message', 'not a text model');
  });

  it("sample: a character model writes with the dataset's vocabulary after the prime", async () => {
    const g = templateJson('char-gru.rnn.json');
    g.dataset.params.maxSamples = 64;
    g.training.epochs = 1;
    const { runId } = await h.ok('train.start', { graph: g, documentPath: join(TEMPLATES_DIR, 'char-gru.rnn.json') });
    await h.until(ended(runId), 'the character model to train');
    assert.equal(h.eventsOf('train.ended', runId)[0].reason, 'completed');
    const { text } = await h.ok('sample', { runId, length: 40, prime: 'The cook ', seed: 3 });
    assert.equal([...text].length, 9 + 40);
    assert.ok(text.startsWith('The cook '));
    const again = await h.ok('sample', { runId, length: 40, prime: 'The cook ', seed: 3 });
    assert.equal(again.text, text, 'the same seed gives the same text');
    const outside = await h.fails('sample', { runId, prime: 'The cook ✈' });
    assert.equal(outside.code, 'bad-message');
    assert.match(outside.message, /prime character "✈" \(position 9\) is not in the model's vocabulary/);
  });
});
