/**
 * Going on from where a run stood after an epoch (TrainerPosition), directly and through a
 * checkpoint file: with the same seed, the continued run ends with exactly the weights, losses
 * and steps of a run that was never interrupted — dropout masks, batch order, Adam's moments,
 * the validation split and early stopping's count included.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReferenceExecutor } from '../../../engine/executors/index.ts';
import { DEFAULT_OPTIMIZER, type GraphDocument } from '../../../engine/graph/schema.ts';
import { readCheckpointText, writeCheckpoint } from '../../../engine/model/checkpoint.ts';
import type { TrainerPosition } from '../../../engine/trainer/position.ts';
import { graph } from '../../helpers/graphs.ts';
import { type ElmanSpec, elmanDataset, epochsOf, stepsOf, trainCollecting } from './fixtures.ts';

const spec: ElmanSpec = { inputs: 2, units: 5, outputs: 1, activation: 'tanh', perStep: true };
const lstm: GraphDocument = graph(
  { x: ['input', { size: 2 }], r: ['lstm', { units: 5, layers: 2, dropout: 0.2 }], d: ['dense', { units: 1 }], o: ['output', { loss: 'meanSquaredError' }] },
  ['x -> r', 'r -> d', 'd -> o'],
);
const dataset = elmanDataset(spec, 20, 4);
const settings = {
  epochs: 5,
  batchSize: 6,
  seed: 11,
  validationSplit: 0.2,
  optimizer: DEFAULT_OPTIMIZER,
  earlyStopping: { patience: 50, minDelta: 0 },
};

const bits = (w: ReadonlyMap<string, Float32Array>) => new Map([...w].map(([k, v]) => [k, Array.from(v)]));

async function uninterrupted() {
  return trainCollecting({ graph: lstm, dataset, executor: new ReferenceExecutor(), settings });
}

/** Trains `epochs` epochs and hands back where the run stood after epoch `at`. */
async function positionAfter(at: number): Promise<{ position: TrainerPosition; weightInfo: Parameters<typeof writeCheckpoint>[0]['weightInfo'] }> {
  let found: { position: TrainerPosition; weightInfo: Parameters<typeof writeCheckpoint>[0]['weightInfo'] } | null = null;
  await trainCollecting({
    graph: lstm,
    dataset,
    executor: new ReferenceExecutor(),
    settings,
    onEpochEnd: (position, weightInfo) => {
      const p = position();
      if (p.epoch === at) found = { position: p, weightInfo };
    },
  });
  assert.ok(found, `a position after epoch ${at}`);
  return found;
}

describe('going on from a position', () => {
  test('continued after epoch 2, a run ends with the weights, losses and steps of one never interrupted', async () => {
    const whole = await uninterrupted();
    const { position } = await positionAfter(2);
    assert.equal(position.epoch, 2);
    assert.equal(position.history.length, 2);
    const rest = await trainCollecting({ graph: lstm, dataset, executor: new ReferenceExecutor(), settings, resume: position });

    const start = rest.events.find((e) => e.type === 'start');
    assert.ok(start?.type === 'start');
    assert.deepEqual(start.resumedFrom, { epoch: 2, step: position.step });
    assert.deepEqual(epochsOf(rest.events).map((e) => e.epoch), [3, 4, 5], 'only the epochs left');
    const tail = stepsOf(whole.events).slice(position.step);
    assert.deepEqual(stepsOf(rest.events).map((e) => [e.step, e.loss]), tail.map((e) => [e.step, e.loss]), 'the same steps and losses as the uninterrupted run');
    assert.deepEqual(bits(rest.weights), bits(whole.weights));
    assert.deepEqual(rest.history, whole.history, 'the history goes on from the position');
    assert.deepEqual(rest.end, whole.end);
  });

  test('through a checkpoint file: the same weights again', async () => {
    const whole = await uninterrupted();
    const { position, weightInfo } = await positionAfter(3);
    const text = writeCheckpoint({
      runId: 'run-1-0123abcd',
      documentPath: null,
      graph: lstm,
      weightInfo,
      position,
      training: { seed: settings.seed, savedAt: new Date().toISOString() },
    });
    const read = readCheckpointText(text);
    assert.ok(read.ok, read.ok ? '' : read.errors.map((e) => e.message).join('\n'));
    assert.equal(read.checkpoint.model.training?.epochs, 3);
    assert.deepEqual(read.checkpoint.model.training?.history?.map((e) => e.loss), whole.history.slice(0, 3).map((e) => e.loss));
    const rest = await trainCollecting({ graph: lstm, dataset, executor: new ReferenceExecutor(), settings, resume: read.checkpoint.position });
    assert.deepEqual(bits(rest.weights), bits(whole.weights));
    assert.deepEqual(rest.end, whole.end);
  });

  test('a position that does not fit is refused, saying why', async () => {
    const { position } = await positionAfter(2);
    await assert.rejects(
      trainCollecting({ graph: lstm, dataset: elmanDataset(spec, 30, 4), executor: new ReferenceExecutor(), settings, resume: position }),
      /cannot go on from epoch 2: it trained on 16 examples; the dataset now gives 24 for training/,
    );
    await assert.rejects(
      trainCollecting({ graph: lstm, dataset, executor: new ReferenceExecutor(), settings: { ...settings, epochs: 2 }, resume: position }),
      /already trained 2 of the 2 epochs/,
    );
    const other = graph({ x: ['input', { size: 2 }], r: ['gru', { units: 5 }], d: ['dense', { units: 1 }], o: ['output', { loss: 'meanSquaredError' }] }, ['x -> r', 'r -> d', 'd -> o']);
    await assert.rejects(trainCollecting({ graph: other, dataset, executor: new ReferenceExecutor(), settings, resume: position }), /do not fit the graph: weights\.r\./);
  });

  test('a damaged checkpoint names the place', async () => {
    const { position, weightInfo } = await positionAfter(1);
    const text = writeCheckpoint({ runId: 'run-1-0123abcd', documentPath: null, graph: lstm, weightInfo, position, training: { seed: 1, savedAt: new Date().toISOString() } });
    const json = JSON.parse(text) as { trainer: { optimizer: { slots: Record<string, string[]> } }; model: { weights: Record<string, unknown> } };
    const slot = Object.keys(json.trainer.optimizer.slots)[0];
    json.trainer.optimizer.slots[slot][0] = 'AAA';
    const bad = readCheckpointText(JSON.stringify(json));
    assert.ok(!bad.ok);
    assert.match(bad.errors[0].message, new RegExp(`trainer\\.optimizer\\.slots\\.${slot.replace('.', '\\.')}\\[0\\]: not base64`));
    const truncated = readCheckpointText(text.slice(0, 200));
    assert.ok(!truncated.ok);
    assert.match(truncated.errors[0].message, /^checkpoint: not valid JSON/);
  });
});
