/**
 * A run can be stopped while it generates its dataset and while it compiles: `train.start` replies
 * before the dataset is generated, `train.stop` is answered in the middle of either phase, and the
 * run ends as cancelled before that phase completes, without a step. Setup progress is monotone
 * within each phase, comes in the order of the phases and reaches 1.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { HostEvent, HostEventOf } from '../../../engine/protocol/index.ts';
import { TEMPLATES_DIR } from '../../helpers/templates.ts';
import { harness, templateJson } from './harness.ts';

const h = harness();
after(() => h.service.dispose());

const PHASES = ['dataset', 'compile', 'initialise', 'prepare'];
const runEvents = (runId: string) => h.events.filter((e) => 'runId' in e && e.runId === runId);
const isEnd = (e: HostEvent) => e.type === 'train.ended';
const midway = (runId: string, phase: string) => () => h.eventsOf('train.progress', runId).some((e) => e.phase === phase && e.done > 0 && e.done < e.total);

/** The adding LSTM on a dataset of many short sequences: generating it takes many slices. */
function largeDataset() {
  const g = templateJson('adding-lstm.rnn.json');
  g.dataset.params = { length: 8, samples: 1_000_000, seed: 1 };
  return g;
}

/** The adding LSTM stacked 4 deep over 1,000 steps: its train step has hundreds of thousands of IR nodes. */
function longCompile() {
  const g = templateJson('adding-lstm.rnn.json');
  g.dataset.params = { length: 1000, samples: 8, seed: 1 };
  const lstm = g.nodes.find((n) => n.type === 'lstm')!;
  lstm.params = { ...lstm.params, layers: 4, units: 8 };
  return g;
}

/** Stops `runId` once `phase` is under way; checks the reply comes first and the run ends cancelled in that phase. */
async function stopDuring(runId: string, phase: string, doing: RegExp): Promise<HostEventOf<'train.progress'>[]> {
  await h.until(midway(runId, phase), `the run to be in its ${phase} phase`);
  await h.ok('train.stop', { runId });
  assert.ok(!runEvents(runId).some(isEnd), 'the reply came before the run ended');
  await h.until(() => runEvents(runId).some(isEnd), 'the run to end');
  const events = runEvents(runId);
  assert.deepEqual(
    events.filter((e) => e.type !== 'train.progress').map((e) => e.type),
    ['train.ended'],
    'no train.started and no step',
  );
  const end = events.at(-1)!;
  assert.ok(end.type === 'train.ended');
  assert.equal(end.reason, 'cancelled');
  assert.match(end.message, doing);
  assert.equal(end.steps, 0);
  const progress = h.eventsOf('train.progress', runId);
  assert.ok(!progress.some((e) => e.phase === phase && e.done === e.total), `stopped before the ${phase} phase completed`);
  assert.equal(progress.at(-1)?.phase, phase, 'no later phase began');
  assert.equal((await h.fails('predict', { runId, input: { seq: [[[0, 1]]] } })).code, 'not-found');
  return progress;
}

/** Each phase's progress goes up and never back; phases come in order; every finished phase ends at its total. */
function assertMonotone(progress: readonly HostEventOf<'train.progress'>[]): void {
  for (let i = 1; i < progress.length; i++) {
    const [a, b] = [progress[i - 1], progress[i]];
    const order = PHASES.indexOf(b.phase) - PHASES.indexOf(a.phase);
    assert.ok(order >= 0, `${b.phase} came after ${a.phase}`);
    if (order === 0) assert.ok(b.done >= a.done && b.total === a.total, `${a.phase}: ${a.done} then ${b.done} of ${b.total}`);
    else assert.equal(a.done, a.total, `${a.phase} reached its total before ${b.phase} began`);
  }
}

describe('stopping a run before it trains', () => {
  it('train.start replies before the dataset is generated; a stop during generation ends the run cancelled', async () => {
    const { runId } = await h.ok('train.start', { graph: largeDataset() });
    assert.ok(!h.eventsOf('train.progress', runId).some((e) => e.phase === 'dataset' && e.done === e.total), 'the reply came before the dataset was generated');
    const progress = await stopDuring(runId, 'dataset', /stopped while generating the dataset/);
    assertMonotone(progress);
  });

  it('a stop while the graph compiles is answered; the run ends cancelled before the compile completes', async () => {
    const { runId } = await h.ok('train.start', { graph: longCompile() });
    const progress = await stopDuring(runId, 'compile', /stopped while compiling the graph/);
    assertMonotone(progress);
  });

  it('a run that is not stopped reports every phase in order, each up to its total, before it starts', async () => {
    const g = templateJson('adding-lstm.rnn.json');
    g.dataset.params = { length: 10, samples: 64, seed: 1 };
    g.training = { ...g.training, epochs: 1 };
    const { runId } = await h.ok('train.start', { graph: g });
    await h.until(() => runEvents(runId).some(isEnd), 'the run to end');
    const progress = h.eventsOf('train.progress', runId);
    assertMonotone(progress);
    assert.deepEqual([...new Set(progress.map((e) => e.phase))], PHASES);
    const started = runEvents(runId).findIndex((e) => e.type === 'train.started');
    assert.ok(started > runEvents(runId).lastIndexOf(progress.at(-1)!), 'train.started after the last setup progress');
  });

  it('a dataset that fails once generated in full ends the run failed, naming the parameter', async () => {
    // One example of the diary twice over fits; every 4,096-character window of it, one character
    // apart, is more than a stream may hold, which only generating all of them finds out.
    const workspace = mkdtempSync(join(tmpdir(), 'rnn-studio-dataset-'));
    writeFileSync(join(workspace, 'diary.txt'), readFileSync(join(TEMPLATES_DIR, 'data/cook-diary.txt'), 'utf8').repeat(2));
    const w = harness({ workspace });
    try {
      const g = templateJson('char-gru.rnn.json');
      g.dataset.params = { file: 'diary.txt', steps: 4096, stride: 1, seed: 1 };
      const { runId } = await w.ok('train.start', { graph: g });
      await w.until(() => w.eventsOf('train.ended', runId).length > 0, 'the run to end');
      const end = w.eventsOf('train.ended', runId)[0];
      assert.equal(end.reason, 'failed');
      assert.match(end.message, /the dataset could not be generated: dataset\.params\.maxSamples: \d+ examples × 4096 steps/);
      assert.equal(w.eventsOf('train.started', runId).length, 0);
      assert.ok(!w.eventsOf('train.progress', runId).some((e) => e.phase !== 'dataset'), 'nothing after the dataset phase');
    } finally {
      await w.service.dispose();
      rmSync(workspace, { recursive: true, force: true });
    }
  });
});
