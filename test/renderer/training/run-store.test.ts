/**
 * The run store follows a run through the host's events: event sequences as the host sends them,
 * events of other runs, events that overtake the start reply, a host crash mid-run, a refused
 * start, a long run of 100 000 streamed points, and what newer runs report: learning rates and
 * validation per epoch, per-time-step gradient norms, truncated BPTT and early stopping.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostEvent, StepPoint } from '../../../engine/protocol/messages.ts';
import { Float64Column, sameValues } from '../../../renderer/training/columns.ts';
import { GRADIENT_HISTORY } from '../../../renderer/training/gradient-flow.ts';
import { createRunStore, type RunDocument } from '../../../renderer/training/run-store.ts';

const RUN = 'run-1';
/** The document these runs trained (which document is open plays no part in following events). */
const TRAINED: RunDocument = { id: 'file:/w/sine.rnn.json', hash: 'sha256:0', name: 'sine' };

const started = (runId = RUN, batchesPerEpoch = 4): HostEvent => ({
  type: 'train.started',
  runId,
  executor: { name: 'onnxruntime', device: 'cpu', version: '1.30.0' },
  executorReason: null,
  examples: 128,
  steps: 10,
  batchSize: 32,
  batchesPerEpoch,
  epochs: 3,
  parameters: 1234,
});

const point = (step: number, loss = 1 / step, epoch = 1): StepPoint => ({ step, epoch, loss, gradNorm: 2 * loss, clipped: false });
const steps = (from: number, to: number, runId = RUN, stepsPerSecond = 50): HostEvent => ({
  type: 'train.steps',
  runId,
  points: Array.from({ length: to - from + 1 }, (_, i) => point(from + i)),
  stepsPerSecond,
});
const epoch = (n: number, loss: number, metrics: Record<string, number> = {}, runId = RUN): HostEvent => ({ type: 'train.epoch', runId, epoch: n, loss, metrics, seconds: 0.5 });
const ended = (reason: 'completed' | 'cancelled' | 'diverged' | 'target-reached' | 'failed', runId = RUN, message = 'done'): HostEvent => ({
  type: 'train.ended',
  runId,
  reason,
  message,
  epochs: 3,
  steps: 12,
  loss: 0.1,
});

/** A store whose clock is a counter, and which has started run RUN. */
function runningStore() {
  let clock = 0;
  const store = createRunStore(() => ++clock);
  store.getState().begin('sine', false, TRAINED);
  store.getState().accepted(RUN);
  store.getState().receive(started());
  return store;
}

describe('run store', () => {
  test('starts idle with nothing held', () => {
    const s = createRunStore().getState();
    assert.equal(s.phase, 'idle');
    assert.equal(s.runId, null);
    assert.equal(s.series.length, 0);
    assert.equal(s.epochs.length, 0);
  });

  test('a whole run: starting → running → paused → running → ended', () => {
    const store = createRunStore(() => 42);
    const s = () => store.getState();
    s().begin('weather-food', false, TRAINED);
    assert.equal(s().phase, 'starting');
    assert.equal(s().datasetType, 'weather-food');
    s().accepted(RUN);
    assert.equal(s().runId, RUN);
    assert.equal(s().phase, 'starting', 'the run is running once the host says it started');
    s().receive(started());
    assert.equal(s().phase, 'running');
    assert.deepEqual(s().info?.executor, { name: 'onnxruntime', device: 'cpu', version: '1.30.0' });
    assert.equal(s().info?.epochs, 3);

    s().receive(steps(1, 4, RUN, 80));
    assert.equal(s().series.length, 4);
    assert.equal(s().step, 4);
    assert.equal(s().lastLoss, 0.25);
    assert.equal(s().stepsPerSecond, 80);
    assert.deepEqual([...s().series.loss.view()], [1, 0.5, 1 / 3, 0.25]);
    assert.deepEqual([...s().series.gradNorm.view()], [2, 1, 2 / 3, 0.5]);

    s().receive(epoch(1, 0.52, { accuracy: 0.4 }));
    assert.equal(s().epochsDone, 1);
    assert.equal(s().epochs.step.at(0), 4, 'epoch 1 of 4 batches ends at step 4');
    assert.equal(s().epochs.metric('accuracy')?.at(0), 0.4);

    s().receive({ type: 'train.paused', runId: RUN, paused: true });
    assert.equal(s().phase, 'paused');
    s().receive({ type: 'train.paused', runId: RUN, paused: false });
    assert.equal(s().phase, 'running');

    s().receive(steps(5, 12));
    s().receive(epoch(2, 0.3, { accuracy: 0.7 }));
    s().receive(epoch(3, 0.1, { accuracy: 0.9 }));
    s().receive(ended('completed'));
    assert.equal(s().phase, 'ended');
    assert.equal(s().end?.reason, 'completed');
    assert.equal(s().end?.message, 'done');
    assert.equal(s().lastLoss, 0.1);
    assert.equal(s().stepsPerSecond, null, 'no speed is shown once the run is over');
    assert.deepEqual([...s().epochs.loss.view()], [0.52, 0.3, 0.1]);
    assert.deepEqual([...s().epochs.step.view()], [4, 8, 12]);
  });

  test('events of other runs are ignored', () => {
    const store = runningStore();
    const s = () => store.getState();
    s().receive(steps(1, 3));
    const version = s().pointsVersion;
    s().receive(steps(1, 50, 'someone-else'));
    s().receive(epoch(1, 9, {}, 'someone-else'));
    s().receive({ type: 'train.paused', runId: 'someone-else', paused: true });
    s().receive(ended('completed', 'someone-else'));
    assert.equal(s().series.length, 3);
    assert.equal(s().pointsVersion, version);
    assert.equal(s().epochs.length, 0);
    assert.equal(s().phase, 'running');
    assert.equal(s().end, null);
  });

  test('events that overtake the start reply are replayed once the run id is known', () => {
    const store = createRunStore();
    const s = () => store.getState();
    s().begin('adding', false, TRAINED);
    s().receive(started('other'));
    s().receive(started());
    s().receive(steps(1, 2));
    s().receive(steps(1, 9, 'other'));
    assert.equal(s().series.length, 0, 'nothing is applied before the run id is known');
    s().accepted(RUN);
    assert.equal(s().phase, 'running');
    assert.equal(s().series.length, 2);
    assert.equal(s().info?.batchesPerEpoch, 4);
  });

  test('the host crashing mid-run fails the run with the host message, keeping what was streamed', () => {
    const store = runningStore();
    const s = () => store.getState();
    s().receive(steps(1, 7));
    s().receive({ type: 'host.status', state: 'crashed', pid: null, protocol: 1, message: 'the engine host exited with code 134 (out of memory)' });
    assert.equal(s().phase, 'failed');
    assert.deepEqual(s().failure, { code: 'host-crashed', message: 'the engine host exited with code 134 (out of memory)' });
    assert.equal(s().series.length, 7, 'the points streamed before the crash stay on the chart');
    s().receive(steps(8, 9));
    assert.equal(s().series.length, 7, 'a failed run takes no more points');
  });

  test('host status changes other than a crash, and a crash while idle, leave the run alone', () => {
    const store = runningStore();
    store.getState().receive({ type: 'host.status', state: 'ready', pid: 7, protocol: 1, message: null });
    assert.equal(store.getState().phase, 'running');
    const idle = createRunStore();
    idle.getState().hostChanged('crashed', 'gone');
    assert.equal(idle.getState().phase, 'idle');
    assert.equal(idle.getState().failure, null);
  });

  test('a refused start fails with the host error; a late reply changes nothing', () => {
    const store = createRunStore();
    const s = () => store.getState();
    s().begin('sine', false, TRAINED);
    s().refused({ code: 'graph-has-errors', message: 'the graph has 2 errors' });
    assert.equal(s().phase, 'failed');
    assert.deepEqual(s().failure, { code: 'graph-has-errors', message: 'the graph has 2 errors' });
    s().accepted('late');
    assert.equal(s().runId, null);
    assert.equal(s().phase, 'failed');
  });

  test('a run that ends with reason failed is failed; a diverged one has ended', () => {
    const a = runningStore();
    a.getState().receive(ended('failed', RUN, 'dataset.params.file: file not found'));
    assert.equal(a.getState().phase, 'failed');
    assert.deepEqual(a.getState().failure, { code: 'ended', message: 'dataset.params.file: file not found' });
    const b = runningStore();
    b.getState().receive(ended('diverged', RUN, 'the loss became NaN'));
    assert.equal(b.getState().phase, 'ended');
    assert.equal(b.getState().end?.reason, 'diverged');
  });

  test('starting again clears the previous run', () => {
    const store = runningStore();
    const s = () => store.getState();
    s().receive(steps(1, 5));
    s().receive(epoch(1, 0.4));
    s().receive(ended('completed'));
    const oldSeries = s().series;
    s().begin('sine', false, TRAINED);
    assert.equal(s().phase, 'starting');
    assert.equal(s().runId, null);
    assert.equal(s().series.length, 0);
    assert.notEqual(s().series, oldSeries);
    assert.equal(s().epochs.length, 0);
    assert.equal(s().end, null);
    s().receive(steps(6, 8));
    assert.equal(s().series.length, 0, 'the old run id no longer matches');
  });

  test('a metric that appears later is NaN in the epochs before it', () => {
    const store = runningStore();
    const s = () => store.getState();
    s().receive(epoch(1, 0.9));
    s().receive(epoch(2, 0.8, { accuracy: 0.5 }));
    s().receive(epoch(3, 0.7));
    const acc = s().epochs.metric('accuracy');
    assert.ok(acc);
    assert.equal(acc.length, 3);
    assert.ok(Number.isNaN(acc.at(0)));
    assert.equal(acc.at(1), 0.5);
    assert.ok(Number.isNaN(acc.at(2)));
  });

  test('learning rate and validation loss and metrics per epoch; NaN where an epoch lacks them', () => {
    const store = runningStore();
    const s = () => store.getState();
    s().receive(epoch(1, 0.9, { mse: 0.9 }));
    assert.equal(s().epochs.hasLearningRate, false);
    assert.equal(s().epochs.hasValidation, false);
    assert.ok(Number.isNaN(s().epochs.learningRate.at(0)));
    s().receive({ ...epoch(2, 0.5, { mse: 0.5 }), learningRate: 0.005, validation: { loss: 0.61, metrics: { mse: 0.61 } } } as HostEvent);
    s().receive({ ...epoch(3, 0.4, { mse: 0.4 }), learningRate: 0.0025, validation: { loss: 0.58, metrics: { mse: 0.58, accuracy: 0.7 } } } as HostEvent);
    const e = s().epochs;
    assert.equal(e.hasLearningRate, true);
    assert.equal(e.hasValidation, true);
    assert.deepEqual([...e.learningRate.view()].slice(1), [0.005, 0.0025]);
    assert.deepEqual([...e.validationLoss.view()].slice(1), [0.61, 0.58]);
    assert.ok(Number.isNaN(e.validationLoss.at(0)));
    assert.deepEqual(e.validationMetricNames, ['mse', 'accuracy']);
    assert.equal(e.validationMetric('mse')?.at(2), 0.58);
    assert.ok(Number.isNaN(e.validationMetric('accuracy')!.at(1)), 'a validation metric that appears later is NaN before');
    assert.equal(e.validationMetric('accuracy')?.length, 3);
    assert.deepEqual(e.metricNames, ['mse'], 'training and validation metrics are kept apart');
    assert.equal(e.metric('mse')?.at(2), 0.4);
  });

  test('gradient norms over time: the latest measured step, the first and the last few, oldest first; other steps change nothing', () => {
    const store = createRunStore();
    const s = () => store.getState();
    s().begin('sine', true, TRAINED);
    assert.equal(s().measuresGradients, true);
    s().accepted(RUN);
    s().receive(started());
    const norms = (step: number) => [{ delay: 'rnn.h', block: 'rnn', start: 0, norms: [step * 1e-3, step * 1e-2, step * 1e-1] }];
    const measured = (from: number, to: number, every: number): HostEvent => ({
      type: 'train.steps',
      runId: RUN,
      stepsPerSecond: 10,
      points: Array.from({ length: to - from + 1 }, (_, i) => from + i).map((step) => ({ ...point(step), ...((step - 1) % every === 0 ? { stateGradNorms: norms(step) } : {}) })),
    });
    assert.equal(s().gradientNorms, null);
    s().receive(measured(1, 10, 5));
    assert.equal(s().gradientNorms?.step, 6);
    assert.deepEqual(s().gradientNorms?.states, norms(6));
    assert.deepEqual(s().gradientHistory.map((g) => g.step), [1, 6]);
    const history = s().gradientHistory;
    s().receive(measured(12, 15, 100)); // no measured step among these
    assert.equal(s().gradientHistory, history, 'unchanged when no step carried norms');
    assert.equal(s().series.length, 14);
    s().receive(measured(16, 400, 5));
    assert.equal(s().gradientHistory.length, GRADIENT_HISTORY);
    assert.equal(s().gradientNorms?.step, 396);
    assert.equal(s().gradientHistory[0].step, 1, 'the untrained network’s norms stay, to compare with');
    assert.equal(s().gradientHistory[1].step, 396 - 5 * (GRADIENT_HISTORY - 2));
    s().begin('sine', false, TRAINED);
    assert.equal(s().gradientNorms, null, 'a new run starts without norms');
    assert.deepEqual(s().gradientHistory, []);
    assert.equal(s().measuresGradients, false);
  });

  test('truncated BPTT: epochs end at stepsPerEpoch, not batchesPerEpoch, and a snapshot keeps its chunk', () => {
    const store = createRunStore();
    const s = () => store.getState();
    s().begin('text', false, TRAINED);
    s().accepted(RUN);
    s().receive({ ...started(RUN, 4), chunksPerBatch: 3, stepsPerEpoch: 12 } as HostEvent);
    s().receive({ type: 'train.steps', runId: RUN, stepsPerSecond: 5, points: [{ ...point(2), chunk: 2, stateGradNorms: [{ delay: 'gru.h', block: 'gru', start: 10, norms: [1, 2] }] }] });
    s().receive(epoch(1, 0.7));
    assert.equal(s().epochs.step.at(0), 12);
    assert.equal(s().gradientNorms?.chunk, 2);
    assert.equal(s().info?.chunksPerBatch, 3);
  });

  test('an early-stopped run has ended, with the best epoch it kept', () => {
    const store = runningStore();
    store.getState().receive({ type: 'train.ended', runId: RUN, reason: 'early-stopped', message: 'no improvement for 5 epochs', epochs: 14, steps: 56, loss: 0.2, best: { epoch: 9, loss: 0.15, monitor: 'validation' } });
    const s = store.getState();
    assert.equal(s.phase, 'ended');
    assert.equal(s.failure, null);
    assert.deepEqual(s.end?.best, { epoch: 9, loss: 0.15, monitor: 'validation' });
  });

  test('100 000 points in 1 000 batches: all held in order, arrival times recorded per batch, few buffer copies', () => {
    let clock = 1000;
    const store = createRunStore(() => (clock += 0.5));
    const s = () => store.getState();
    s().begin('adding', false, TRAINED);
    s().accepted(RUN);
    s().receive(started(RUN, 1000));
    const buffers = new Set<ArrayBufferLike>();
    for (let b = 0; b < 1000; b++) {
      s().receive(steps(b * 100 + 1, b * 100 + 100));
      buffers.add(s().series.loss.view().buffer);
    }
    const { series, arrivals } = s();
    assert.equal(series.length, 100_000);
    assert.equal(s().step, 100_000);
    assert.equal(s().pointsVersion, 1000);
    assert.ok(buffers.size <= 8, `the loss buffer was reallocated ${buffers.size} times, not once per batch`);
    const stepView = series.step.view();
    for (let i = 0; i < stepView.length; i++) if (stepView[i] !== i + 1) assert.fail(`point ${i} holds step ${stepView[i]}`);
    assert.equal(series.loss.at(99_999), 1 / 100_000);
    assert.equal(series.minLoss, 1 / 100_000);
    assert.equal(series.maxLoss, 1);
    assert.equal(arrivals.length, 1000);
    assert.equal(arrivals.pointsAfter.at(0), 100);
    assert.equal(arrivals.pointsAfter.at(999), 100_000);
    assert.equal(arrivals.at.at(1) - arrivals.at.at(0), 0.5);
  });
});

describe('sameValues', () => {
  const column = (values: number[]) => {
    const c = new Float64Column(2);
    for (const v of values) c.push(v);
    return c;
  };
  test('a metric that repeats the loss row by row is the same; any difference, or another length, is not', () => {
    assert.equal(sameValues(column([0.5, 0.25, Number.NaN]), column([0.5, 0.25 * (1 + 1e-7), Number.NaN])), true);
    assert.equal(sameValues(column([0.5, 0.25]), column([0.5, 0.2501])), false);
    assert.equal(sameValues(column([0.5, Number.NaN]), column([0.5, 0.1])), false);
    assert.equal(sameValues(column([0.5]), column([0.5, 0.5])), false);
    assert.equal(sameValues(column([]), column([])), false, 'no rows: nothing to leave out');
  });
});

describe('runs from files', () => {
  const history = [
    { epoch: 1, loss: 0.9, metrics: { accuracy: 0.5 } },
    { epoch: 2, loss: 0.6, metrics: { accuracy: 0.7 }, validation: { loss: 0.65, metrics: {} } },
  ];

  test('an adopted run is a finished run with its recorded epochs, placed at the steps that ended them', () => {
    const store = createRunStore();
    store.getState().adopt({ runId: 'run-7', origin: 'model', document: TRAINED, datasetType: 'text', epochs: 2, steps: 40, loss: 0.6, history });
    const s = store.getState();
    assert.equal(s.phase, 'ended');
    assert.equal(s.origin, 'model');
    assert.equal(s.runId, 'run-7');
    assert.equal(s.document, TRAINED, 'the run belongs to the document it was adopted into');
    assert.deepEqual([s.step, s.lastLoss, s.epochsDone], [40, 0.6, 2]);
    assert.deepEqual([s.epochs.step.at(0), s.epochs.step.at(1)], [20, 40]);
    assert.deepEqual([s.epochs.loss.at(0), s.epochs.validationLoss.at(1)], [0.9, 0.65]);
    assert.ok(Number.isNaN(s.epochs.seconds.at(0)), 'a file records no durations');
    // Events of the adopted run never come: the host made it from a file.
    store.getState().receive({ type: 'train.ended', runId: 'run-7', reason: 'failed', message: 'x', epochs: 0, steps: 0, loss: null });
    assert.equal(store.getState().phase, 'ended');
  });

  test('a run going on from a checkpoint keeps its epochs on show before its own; any other start begins empty', () => {
    const store = createRunStore();
    store.getState().adopt({ runId: 'run-7', origin: 'checkpoint', document: TRAINED, datasetType: null, epochs: 2, steps: 8, loss: 0.6, history });
    const carried = store.getState().epochs;
    store.getState().begin(null, false, TRAINED, carried);
    store.getState().accepted(RUN);
    const resumed = started(RUN, 4);
    assert.ok(resumed.type === 'train.started');
    store.getState().receive({ ...resumed, resumedFrom: { epoch: 2, step: 8 } });
    store.getState().receive(epoch(3, 0.5));
    const s = store.getState();
    assert.equal(s.origin, 'trained');
    assert.deepEqual(Array.from({ length: s.epochs.length }, (_, i) => s.epochs.epoch.at(i)), [1, 2, 3]);
    assert.equal(s.epochs.step.at(2), 12, 'epoch 3 ends at step 3 × 4');
    store.getState().begin(null, false, TRAINED);
    assert.equal(store.getState().epochs.length, 0);
  });
});
