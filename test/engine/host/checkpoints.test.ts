/**
 * Checkpoints and runs from files in the engine service: a running run leaves an atomic
 * checkpoint after its epochs and takes it away when it ends; a checkpoint left behind by a host
 * that died is listed by the next host, opens as a finished run (exportable), and training from
 * it goes on to exactly the weights of a run never interrupted. A model file opens as a finished
 * run that predicts as the run that saved it, and training goes on from its weights.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CHECKPOINTS_FOLDER } from '../../../engine/host/checkpoints.ts';
import { readCheckpointText } from '../../../engine/model/checkpoint.ts';
import { readModelText, weightsToMap } from '../../../engine/model/file.ts';
import { delay, harness, type Harness, templateJson } from './harness.ts';

const workspace = mkdtempSync(join(tmpdir(), 'rnn-checkpoints-'));
const folder = join(workspace, CHECKPOINTS_FOLDER);
const hosts: Harness[] = [];
/** A host on the workspace that replaces a run's checkpoint after every epoch. */
const host = () => {
  const h = harness({ workspace, checkpoints: { everySeconds: 0 } });
  hosts.push(h);
  return h;
};
after(async () => {
  for (const h of hosts) await h.service.dispose();
  rmSync(workspace, { recursive: true, force: true });
});

/** The weather-food template, shortened: 256 examples in batches of 32 (8 steps an epoch). */
function weatherFood(epochs: number) {
  const g = templateJson('weather-food-jordan.rnn.json');
  g.dataset.params.samples = 256;
  g.training.epochs = epochs;
  return g;
}

const files = () => readdirSync(folder);
const ended = (h: Harness, runId: string) => h.until((events) => events.some((e) => e.type === 'train.ended' && e.runId === runId), `run ${runId} to end`, 60_000);
const weightsOf = (text: string) => {
  const read = readModelText(text);
  assert.ok(read.ok);
  return new Map([...weightsToMap(read.model)].map(([k, v]) => [k, Array.from(v)]));
};

/** Pauses the run once it has finished `epochs` epochs, and waits until its checkpoint is of the last epoch it finished. */
async function pauseWithCheckpoint(h: Harness, runId: string, epochs: number): Promise<string> {
  await h.until(() => h.eventsOf('train.epoch', runId).length >= epochs, `${epochs} epochs`);
  await h.ok('train.pause', { runId });
  await h.until(() => h.eventsOf('train.paused', runId).length > 0, 'the pause');
  const last = h.eventsOf('train.epoch', runId).at(-1)!.epoch;
  for (let i = 0; i < 200; i++) {
    const text = (() => {
      try {
        return readFileSync(join(folder, `${runId}.rnn-checkpoint.json`), 'utf8');
      } catch {
        return null;
      }
    })();
    const read = text === null ? null : readCheckpointText(text);
    if (text !== null && read?.ok && read.checkpoint.position.epoch === last) return text;
    await delay(25);
  }
  assert.fail(`no checkpoint of epoch ${last}`);
}

describe('checkpoints', () => {
  it('a running run replaces its checkpoint atomically after its epochs, and it goes when the run ends', async () => {
    const h = host();
    const { runId } = await h.ok('train.start', { graph: weatherFood(10_000) });
    const text = await pauseWithCheckpoint(h, runId, 2);
    assert.deepEqual(files(), [`${runId}.rnn-checkpoint.json`], 'one file, and no temporary file beside it');
    const read = readCheckpointText(text);
    assert.ok(read.ok);
    const epochs = h.eventsOf('train.epoch', runId);
    const { position, model } = read.checkpoint;
    assert.equal(position.step, position.epoch * 8);
    assert.deepEqual(position.history.map((e) => e.loss), epochs.map((e) => e.loss), 'the loss history of every epoch so far');
    assert.equal(model.graph.name, weatherFood(1).name);

    const listed = await h.ok('checkpoints.list', {});
    assert.deepEqual(listed.checkpoints, [], 'the run still training is not offered as interrupted');
    await h.ok('train.stop', { runId });
    await ended(h, runId);
    assert.deepEqual(files(), [], 'a run that ended leaves no checkpoint');
  });

  it('after a crash: the next host lists the checkpoint, opens and exports it, and training from it ends with the weights of an uninterrupted run', async () => {
    const h = host();
    const whole = await h.ok('train.start', { graph: weatherFood(5) });
    await ended(h, whole.runId);
    const expected = weightsOf((await h.ok('model.export', { runId: whole.runId })).text);

    const { runId } = await h.ok('train.start', { graph: weatherFood(5) });
    const text = await pauseWithCheckpoint(h, runId, 1);
    const at = readCheckpointText(text);
    assert.ok(at.ok);
    const epoch = at.checkpoint.position.epoch;
    assert.ok(epoch >= 1 && epoch < 5, `paused after epoch ${epoch}`);
    // What a host killed at this moment leaves behind.
    await h.ok('train.stop', { runId });
    await ended(h, runId);
    writeFileSync(join(folder, `${runId}.rnn-checkpoint.json`), text);

    const next = host();
    const { checkpoints } = await next.ok('checkpoints.list', {});
    assert.equal(checkpoints.length, 1);
    assert.deepEqual({ ...checkpoints[0], savedAt: '' }, { id: runId, graphName: weatherFood(1).name, epoch, step: epoch * 8, loss: at.checkpoint.position.history.at(-1)!.loss, savedAt: '', problem: null });

    const opened = await next.ok('checkpoints.open', { id: runId });
    assert.equal(opened.resumable, true);
    assert.equal(opened.epochs, epoch);
    assert.equal(opened.history.length, epoch);
    const exported = await next.ok('model.export', { runId: opened.runId });
    assert.deepEqual(weightsOf(exported.text), weightsOf(text.slice(text.indexOf('"model": ') + 9, text.lastIndexOf(',\n"trainer"'))), 'exports the checkpoint\'s weights');

    const resumed = await next.ok('train.start', { graph: opened.graph, from: opened.runId });
    await ended(next, resumed.runId);
    const started = next.eventsOf('train.started', resumed.runId)[0];
    assert.deepEqual(started.resumedFrom, { epoch, step: epoch * 8 });
    const points = next.eventsOf('train.steps', resumed.runId).flatMap((e) => e.points);
    assert.equal(points[0].step, epoch * 8 + 1, 'the steps count on from the checkpoint');
    assert.deepEqual(next.eventsOf('train.epoch', resumed.runId).map((e) => e.epoch), Array.from({ length: 5 - epoch }, (_, i) => epoch + 1 + i));
    const end = next.eventsOf('train.ended', resumed.runId)[0];
    assert.equal(end.reason, 'completed');
    assert.equal(end.steps, 40);
    assert.deepEqual(weightsOf((await next.ok('model.export', { runId: resumed.runId })).text), expected, 'the weights of the uninterrupted run');
    assert.deepEqual(files(), [], 'the interrupted run\'s checkpoint went when the run that went on from it ended');
  });

  it('a damaged checkpoint is listed with its problem and cannot be opened; discard removes it', async () => {
    const h = host();
    const id = 'run-9-0123abcd';
    writeFileSync(join(folder, `${id}.rnn-checkpoint.json`), '{"format": "rnn-studio.checkpoint", "version": 1');
    const { checkpoints } = await h.ok('checkpoints.list', {});
    assert.equal(checkpoints.length, 1);
    assert.match(checkpoints[0].problem ?? '', /damaged: checkpoint: not valid JSON/);
    assert.equal((await h.fails('checkpoints.open', { id })).code, 'io');
    assert.equal((await h.fails('checkpoints.open', { id: '../x' })).code, 'bad-message');
    await h.ok('checkpoints.discard', { id });
    assert.deepEqual(files(), []);
    assert.equal((await h.fails('checkpoints.open', { id })).code, 'not-found');
  });
});

describe('a model file opened as a run', () => {
  it('predicts as the run that saved it, records its history, and training goes on from its weights', async () => {
    const h = host();
    const { runId } = await h.ok('train.start', { graph: weatherFood(3) });
    await ended(h, runId);
    const { text } = await h.ok('model.export', { runId });
    const opened = await h.ok('model.open', { text });
    assert.notEqual(opened.runId, runId);
    assert.equal(opened.resumable, false);
    assert.deepEqual(opened.history.map((e) => e.loss), h.eventsOf('train.epoch', runId).map((e) => e.loss));
    assert.equal(opened.steps, 24);

    const input = { weather: [[[1, 0, 1, 0, 0], [0, 0, 0, 0, 0], [0, 1, 0, 0, 0]]] };
    const original = await h.call('predict', { runId, input });
    const again = await h.call('predict', { runId: opened.runId, input });
    assert.ok(original.ok, original.ok ? '' : original.error.message);
    assert.deepEqual(again, original);

    // A file written before the history was recorded still opens, with none.
    const old = JSON.parse(text) as { training: Record<string, unknown> };
    delete old.training.history;
    assert.deepEqual((await h.ok('model.open', { text: JSON.stringify(old) })).history, []);

    const more = await h.ok('train.start', { graph: { ...weatherFood(1) }, from: opened.runId });
    await ended(h, more.runId);
    const started = h.eventsOf('train.started', more.runId)[0];
    assert.equal(started.resumedFrom, undefined, 'from a model file: its weights, with a fresh optimizer');
    const firstLoss = h.eventsOf('train.steps', more.runId)[0].points[0].loss;
    const freshLoss = h.eventsOf('train.steps', runId)[0].points[0].loss;
    assert.ok(firstLoss < freshLoss, `started from trained weights: ${firstLoss} against ${freshLoss} from fresh ones`);
  });

  it('a file that is not a model says where', async () => {
    const h = host();
    const e = await h.fails('model.open', { text: JSON.stringify({ format: 'rnn-studio.model', version: 1, graph: weatherFood(1), weights: { nope: {} } }) });
    assert.equal(e.code, 'invalid-graph');
    assert.match(e.message, /weights\.nope: the graph has no node 'nope'/);
  });
});
