/**
 * A bidirectional network (双向循环网络) tags words whose tag depends on what comes after them.
 * In the tagging dataset "teddy" is part of a name in "teddy roosevelt" and not in "teddy bears";
 * the word before it says nothing, so the only evidence is the next word. A left-to-right network
 * must tag "teddy" before it has read that word: on the ambiguous words it cannot beat a coin flip
 * (chance is ½ by construction), however large its state. A bidirectional one, whose backward
 * direction has read the sentence from its end, tags them all right.
 *
 * The unidirectional network gets twice the units (its state is as wide as the two directions
 * together, and it has more parameters), so width is not what it lacks. Both are measured on 1000
 * sentences they never trained on.
 *
 * Numbers in the test names were measured with ONNX Runtime 1.30 on 2 CPU threads; each test
 * prints its own as diagnostics.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset, type Dataset } from '../../../engine/datasets/index.ts';
import { datasetFiles } from '../../../engine/files/dataset-files.ts';
import { AMBIGUOUS_WORDS, TAGGING_WORDS, TAGS } from '../../../engine/datasets/tagging.ts';
import type { Executor } from '../../../engine/executors/index.ts';
import type { TrainingSettings } from '../../../engine/graph/schema.ts';
import { graph } from '../../helpers/graphs.ts';
import { predict } from '../../helpers/templates.ts';
import { fmt, onnxRuntime, type Run, trainRun } from './helpers.ts';

const runtime = onnxRuntime();

type Recurrent = readonly [type: string, params: Record<string, unknown>];

/** words → embedding 16 → `rnn` (returning sequences) → dense 2 → softmax over the tags. */
const tagger = (rnn: Recurrent) =>
  graph(
    {
      words: ['input', { kind: 'tokens', size: TAGGING_WORDS.length }],
      embed: ['embedding', { dim: 16 }],
      rnn,
      logits: ['dense', { units: TAGS.length }],
      tags: ['output', { loss: 'softmaxCrossEntropy' }],
    },
    ['words -> embed', 'embed -> rnn', 'rnn -> logits', 'logits -> tags'],
  );

const MODELS = {
  'unidirectional GRU, 32 units': ['gru', { units: 32 }],
  'bidirectional GRU, 16 + 16 units': ['bidirectional', { cell: { type: 'gru', units: 16 } }],
  'unidirectional LSTM, 32 units': ['lstm', { units: 32 }],
  'bidirectional LSTM, 16 + 16 units': ['bidirectional', { cell: { type: 'lstm', units: 16 } }],
} as const satisfies Record<string, Recurrent>;
type Model = keyof typeof MODELS;

const settings: TrainingSettings = { epochs: 10, batchSize: 32, seed: 1, optimizer: { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } };

interface Accuracy {
  ambiguous: number;
  others: number;
  overall: number;
  /** Ambiguous words among the held-out ones. */
  ambiguousCount: number;
}

/** Per-word accuracy of the trained tagger on `dataset`: on the ambiguous first words, on the rest, and on all. */
async function accuracyOf(executor: Executor, doc: ReturnType<typeof tagger>, dataset: Dataset, run: Run): Promise<Accuracy> {
  const out = (await predict(executor, doc, dataset, run.weights))['out:tags'];
  const { size, steps } = dataset;
  assert.deepEqual(out.shape, [steps, size, TAGS.length]);
  const ambiguous = new Set(Object.keys(AMBIGUOUS_WORDS).map((w) => TAGGING_WORDS.indexOf(w)));
  const tally = { ambiguous: [0, 0], others: [0, 0] };
  for (let n = 0; n < size; n++)
    for (let t = 0; t < steps; t++) {
      const row = (t * size + n) * TAGS.length; // predictions are time-major
      const predicted = out.data[row + 1] > out.data[row] ? 1 : 0;
      const at = n * steps + t; // data is example-major
      const kind = ambiguous.has(dataset.x.data[at]) ? tally.ambiguous : tally.others;
      kind[0] += predicted === dataset.y.data[at] ? 1 : 0;
      kind[1]++;
    }
  return {
    ambiguous: tally.ambiguous[0] / tally.ambiguous[1],
    others: tally.others[0] / tally.others[1],
    overall: (tally.ambiguous[0] + tally.others[0]) / (tally.ambiguous[1] + tally.others[1]),
    ambiguousCount: tally.ambiguous[1],
  };
}

describe('tagging names when the word that decides comes later ("teddy roosevelt" / "teddy bears")', () => {
  const measured = new Map<Model, { run: Run; accuracy: Accuracy }>();
  let heldOut: Dataset;

  before(async () => {
    const load = (params: Record<string, number>) => {
      const loaded = loadDataset({ type: 'tagging', params }, datasetFiles('.'));
      if (!loaded.ok) throw new Error(loaded.error);
      return loaded.value;
    };
    const dataset = load({ samples: 2000, seed: 1 });
    heldOut = load({ samples: 1000, seed: 2 });
    for (const [model, rnn] of Object.entries(MODELS) as [Model, Recurrent][]) {
      const doc = tagger(rnn);
      const run = await trainRun(runtime.executor, doc, dataset, settings);
      assert.equal(run.end.reason, 'completed', `${model}: ${run.end.message}`);
      measured.set(model, { run, accuracy: await accuracyOf(runtime.executor, doc, heldOut, run) });
    }
  });

  const show = (model: Model) => {
    const { run, accuracy: a } = measured.get(model)!;
    return `${model} (${run.parameters} parameters, ${run.seconds.toFixed(1)} s): ambiguous ${a.ambiguous.toFixed(3)} of ${a.ambiguousCount}, other words ${a.others.toFixed(3)}, overall ${a.overall.toFixed(3)}`;
  };

  for (const cell of ['GRU', 'LSTM'] as const) {
    const uni: Model = `unidirectional ${cell}, 32 units`;
    const bi: Model = `bidirectional ${cell}, 16 + 16 units`;
    const numbers = cell === 'GRU' ? ['1.000', '1.000', '0.501', '0.892'] : ['1.000', '1.000', '0.497', '0.891'];
    test(`${cell}: bidirectional ${numbers[0]} on the ambiguous words (${numbers[1]} overall), unidirectional ${numbers[2]} — chance — (${numbers[3]} overall)`, (t) => {
      t.diagnostic(show(bi));
      t.diagnostic(show(uni));
      const [u, b] = [measured.get(uni)!.accuracy, measured.get(bi)!.accuracy];
      // A tagger that has not read the next word is right with probability ½ on each ambiguous
      // word, whatever it does; allow four standard deviations of the held-out count.
      const chance = 0.5 + 4 * Math.sqrt(0.25 / u.ambiguousCount);
      assert.ok(u.ambiguous < chance, `unidirectional: ${u.ambiguous} on ambiguous words, above chance (${chance.toFixed(3)})`);
      assert.ok(u.others > 0.99, `unidirectional: ${u.others} on the other words — it should have learned those`);
      assert.ok(b.ambiguous > 0.99, `bidirectional: ${b.ambiguous} on ambiguous words`);
      assert.ok(b.overall > 0.99, `bidirectional: ${b.overall} overall`);
      assert.ok(measured.get(uni)!.run.parameters > measured.get(bi)!.run.parameters, 'the unidirectional network has more parameters');
    });
  }

  test('the held-out baseline: giving each word its most frequent tag is right on 89.6% of words', (t) => {
    t.diagnostic(heldOut.baseline!.description);
    assert.equal(heldOut.baseline!.metric, 'accuracy');
    // The unidirectional taggers do no better than this baseline: it is all a left-to-right reader can know.
    for (const model of ['unidirectional GRU, 32 units', 'unidirectional LSTM, 32 units'] as const)
      assert.ok(measured.get(model)!.accuracy.overall <= heldOut.baseline!.value + 0.01, `${model}: ${fmt(measured.get(model)!.accuracy.overall)}`);
  });
});
