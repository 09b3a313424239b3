/**
 * A character-level language model samples new names (对新序列采样). An embedding and a GRU learn
 * to predict the next character of a list of 307 given names, one per line
 * (templates/data/names.txt, in a shuffled order so the model cannot recite it alphabetically);
 * then the model writes, one character at a time, each drawn from its softmax at temperature 1
 * and fed back in as the next input. A newline ends a name, so the model decides where names end.
 *
 * What counts, by rules stated here and applied to every sampled line:
 *   well formed   one capital letter, then 2 to 11 lowercase letters (3–12 letters in all)
 *   plausible     well formed, no letter three times in a row, at least one vowel (a e i o u y),
 *                 no more than three consonants in a row (as in every name of the list), and
 *                 every pair of adjacent letters found somewhere in the list ("sj" is not)
 *   novel         plausible and not in the list
 * The baseline draws every character independently from the list's character frequencies
 * (unigram sampling); it knows which characters are common but nothing about their order.
 *
 * Numbers in the test names were measured with ONNX Runtime 1.30 on 2 CPU threads; each test
 * prints its own as diagnostics.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadDataset, Random, type Dataset } from '../../../engine/datasets/index.ts';
import { datasetFiles } from '../../../engine/files/dataset-files.ts';
import type { TrainingSettings } from '../../../engine/graph/schema.ts';
import { sample } from '../../../engine/inference/sample.ts';
import { graph } from '../../helpers/graphs.ts';
import { TEMPLATES_DIR } from '../../helpers/templates.ts';
import { onnxRuntime, type Run, trainRun } from './helpers.ts';

const runtime = onnxRuntime();

/** How many sampled names each measure is taken over. */
const NAMES = 300;

const wellFormed = (line: string): boolean => /^[A-Z][a-z]{2,11}$/.test(line);

/** Every pair of adjacent letters (ignoring case) in `names`. */
const letterPairs = (names: Iterable<string>): Set<string> =>
  new Set([...names].flatMap((name) => [...name.toLowerCase()].slice(1).map((c, i) => name[i].toLowerCase() + c)));

/** Well formed, no letter thrice in a row, a vowel, at most three consonants in a row, and only letter pairs the list has. */
const plausible = (line: string, pairs: ReadonlySet<string>): boolean =>
  wellFormed(line) && !/(.)\1\1/i.test(line) && /[aeiouy]/i.test(line) && !/[^aeiouy]{4}/i.test(line) && [...letterPairs([line])].every((p) => pairs.has(p));

interface Score {
  wellFormed: number;
  plausible: number;
  novel: number;
}

/** The first NAMES complete lines after the opening newline of `text`; fails when there are fewer. */
function linesOf(text: string): string[] {
  const lines = text.split('\n').slice(1, -1);
  assert.ok(lines.length >= NAMES, `only ${lines.length} complete lines in ${text.length} characters`);
  return lines.slice(0, NAMES);
}

function score(lines: readonly string[], known: ReadonlySet<string>): Score {
  const pairs = letterPairs(known);
  const share = (keep: (line: string) => boolean) => lines.filter(keep).length / lines.length;
  return { wellFormed: share(wellFormed), plausible: share((l) => plausible(l, pairs)), novel: share((l) => plausible(l, pairs) && !known.has(l)) };
}

/** '\n' and then characters drawn independently with the frequencies of the targets, until NAMES + 1 newlines. */
function unigramText(dataset: Dataset, seed: number): string {
  const { vocabulary } = dataset;
  assert.ok(vocabulary && dataset.y.kind === 'tokens');
  const counts = new Float64Array(vocabulary.length);
  for (const id of dataset.y.data) counts[id]++;
  const random = new Random(seed);
  let text = '\n';
  for (let newlines = 0; newlines <= NAMES; ) {
    let r = random.uniform() * dataset.y.data.length;
    let id = 0;
    while (r >= counts[id]) r -= counts[id++];
    text += vocabulary[id];
    if (vocabulary[id] === '\n') newlines++;
  }
  return text;
}

const settings: TrainingSettings = {
  epochs: 10,
  batchSize: 32,
  seed: 1,
  optimizer: { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  clipNorm: 5,
};

describe('a character-level GRU trained on a list of names samples new ones', () => {
  const known = new Set(readFileSync(`${TEMPLATES_DIR}data/names.txt`, 'utf8').split('\n').filter((l) => l.length > 0));
  let dataset: Dataset;
  let run: Run;
  let sampled: string[];
  let unigram: string[];

  before(async () => {
    const loaded = loadDataset({ type: 'text', params: { file: 'data/names.txt', steps: 16, stride: 2, seed: 1 } }, datasetFiles(TEMPLATES_DIR));
    if (!loaded.ok) throw new Error(loaded.error);
    dataset = loaded.value;
    const vocabulary = dataset.vocabulary!;
    const doc = graph(
      {
        chars: ['input', { kind: 'tokens', size: vocabulary.length }],
        embed: ['embedding', { dim: 16 }],
        gru: ['gru', { units: 32 }],
        logits: ['dense', { units: vocabulary.length }],
        next: ['output', { loss: 'softmaxCrossEntropy' }],
      },
      ['chars -> embed', 'embed -> gru', 'gru -> logits', 'logits -> next'],
    );
    run = await trainRun(runtime.executor, doc, dataset, settings);
    assert.equal(run.end.reason, 'completed', run.end.message);
    // About eight characters a name: 3000 characters hold well over NAMES of them.
    sampled = linesOf(await sample(doc, run.weights, vocabulary, { length: 3000, temperature: 1, prime: '\n', seed: 1 }, runtime.executor));
    unigram = linesOf(unigramText(dataset, 1));
  });

  test(`of ${NAMES} sampled names 96% are well formed, 83% plausible and 77% plausible and new; unigram sampling: 2.7%, 0.7%, 0.7%`, (t) => {
    const [model, baseline] = [score(sampled, known), score(unigram, known)];
    const pct = (s: Score) => `well formed ${(100 * s.wellFormed).toFixed(1)}%, plausible ${(100 * s.plausible).toFixed(1)}%, novel ${(100 * s.novel).toFixed(1)}%`;
    t.diagnostic(`model (final loss ${run.history.at(-1)!.loss.toFixed(3)} nats against the unigram ${dataset.baseline!.value.toFixed(3)}; ${run.parameters} parameters, ${run.seconds.toFixed(1)} s): ${pct(model)}`);
    t.diagnostic(`unigram: ${pct(baseline)}`);
    t.diagnostic(`model samples: ${sampled.slice(0, 24).join(', ')}`);
    t.diagnostic(`unigram samples: ${unigram.slice(0, 12).map((l) => JSON.stringify(l)).join(', ')}`);
    assert.ok(model.wellFormed > 0.85 && model.plausible > 0.7, pct(model));
    assert.ok(model.novel > 0.5, `most plausible samples are new names, not copies: ${pct(model)}`);
    assert.ok(baseline.wellFormed < 0.15, pct(baseline));
    assert.ok(model.plausible > 5 * baseline.plausible, `model ${pct(model)}; unigram ${pct(baseline)}`);
  });
});
