/**
 * The new training settings in the graph document: every one is optional, a file using them
 * round-trips unchanged (no defaults written back), and resolveTraining fills in defaults that
 * train exactly as before they existed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGraphText, serializeGraph } from '../../../engine/graph/document.ts';
import { resolveTraining, TrainingSettings } from '../../../engine/graph/schema.ts';
import { graph } from '../../helpers/graphs.ts';

test('defaults: no value clipping, no schedule, no split, no early stopping, full BPTT, no gradient norms', () => {
  const r = resolveTraining(undefined);
  assert.deepEqual(
    { clipValue: r.clipValue, schedule: r.schedule, validationSplit: r.validationSplit, earlyStopping: r.earlyStopping, truncatedBptt: r.truncatedBptt, gradientNormsOverTime: r.gradientNormsOverTime },
    { clipValue: null, schedule: { type: 'none' }, validationSplit: 0, earlyStopping: null, truncatedBptt: null, gradientNormsOverTime: false },
  );
});

test('optional fields are filled in when resolved: minDelta 0, cosine minLearningRate 0', () => {
  const r = resolveTraining({ earlyStopping: { patience: 3 }, schedule: { type: 'cosine', epochs: 10 } });
  assert.deepEqual(r.earlyStopping, { patience: 3, minDelta: 0 });
  assert.deepEqual(r.schedule, { type: 'cosine', epochs: 10, minLearningRate: 0 });
});

test('a document with every new setting parses and serializes back to the same text, without defaults written in', () => {
  const training: TrainingSettings = {
    clipValue: 0.5,
    schedule: { type: 'cosine', epochs: 10 },
    validationSplit: 0.2,
    earlyStopping: { patience: 3 },
    truncatedBptt: { steps: 8 },
    gradientNormsOverTime: 5,
  };
  const doc = { ...graph({ x: ['input', { size: 1 }], rnn: ['elman', { units: 2 }], o: ['output'] }, ['x -> rnn', 'rnn -> o']), training };
  const text = serializeGraph(doc);
  const parsed = parseGraphText(text);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.map((e) => e.message).join('; '));
  assert.deepEqual(parsed.graph.training, doc.training);
  assert.equal(serializeGraph(parsed.graph), text);
});

test('bad values are refused with the field named', () => {
  const bad = [
    { truncatedBptt: { steps: 0 } },
    { truncatedBptt: { chunk: 4 } },
    { gradientNormsOverTime: 0 },
    { gradientNormsOverTime: 1.5 },
    { earlyStopping: { minDelta: 0.1 } },
    { schedule: { type: 'exponential' } },
  ];
  for (const settings of bad) {
    const r = TrainingSettings.safeParse(settings);
    assert.equal(r.success, false, JSON.stringify(settings));
    assert.equal(String(r.error?.issues[0].path[0]), Object.keys(settings)[0]);
  }
});
