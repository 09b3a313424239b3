/**
 * A run of a large model can be stopped while it is still initialising its weights: the host
 * answers `train.stop` before the run ends, and the run ends as cancelled, without a step and
 * without weights to use.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { HostEvent } from '../../../engine/protocol/index.ts';
import { harness, templateJson } from './harness.ts';

const h = harness();
after(() => h.service.dispose());

/** The adding-problem LSTM with 1024 units: its [1024, 4096] orthogonal recurrent kernel takes many slices to make. */
function largeLstm() {
  const g = templateJson('adding-lstm.rnn.json');
  const lstm = g.nodes.find((n) => n.type === 'lstm')!;
  lstm.params.units = 1024;
  g.dataset.params.samples = 64;
  return g;
}

const runEvents = (runId: string) => h.events.filter((e) => 'runId' in e && e.runId === runId);
const isEnd = (e: HostEvent) => e.type === 'train.ended';

describe('stopping a run while it initialises', () => {
  it('train.stop is answered while the weights are made; the run ends cancelled, before any step', async () => {
    const { runId } = await h.ok('train.start', { graph: largeLstm() });
    await h.until(() => h.eventsOf('train.progress', runId).some((e) => e.phase === 'initialise'), 'the weights to be initialising');
    await h.ok('train.stop', { runId });
    const atReply = runEvents(runId);
    assert.ok(!atReply.some(isEnd), 'the reply came before the run ended');
    assert.equal(atReply.at(-1)?.type, 'train.progress');

    await h.until(() => runEvents(runId).some(isEnd), 'the run to end');
    const events = runEvents(runId);
    assert.deepEqual(
      events.filter((e) => e.type !== 'train.progress').map((e) => e.type),
      ['train.ended'],
      'no train.started and no step: the run never got to train',
    );
    const end = events.at(-1)!;
    assert.ok(end.type === 'train.ended');
    assert.equal(end.reason, 'cancelled');
    assert.match(end.message, /stopped while initialising the weights/);
    assert.equal(end.steps, 0);

    const progress = h.eventsOf('train.progress', runId);
    const finished = (phase: string) => progress.some((e) => e.phase === phase && e.done === e.total);
    assert.ok(finished('dataset') && finished('compile'), 'the dataset was generated and the graph compiled first');
    const init = progress.filter((e) => e.phase === 'initialise');
    assert.ok(init.every((e) => e.done < e.total), 'stopped before every weight was made');

    const noWeights = await h.fails('predict', { runId, input: { seq: [[[0, 1]]] } });
    assert.equal(noWeights.code, 'not-found');
    // The host takes the next run at once.
    const next = await h.ok('train.start', { graph: largeLstm() });
    await h.ok('train.stop', { runId: next.runId });
    await h.until(() => runEvents(next.runId).some(isEnd), 'the second run to end');
  });
});
