/**
 * The tagging dataset: its tags re-derived from its words by the rule written out here, its
 * grammar, the coin flip behind every ambiguous word (fair, and blind to the words before it),
 * and its baseline recomputed from the data.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset, parseDatasetSpec, type Dataset } from '../../../engine/datasets/index.ts';
import { datasetFiles } from '../../../engine/files/dataset-files.ts';
import { AMBIGUOUS_WORDS, FILLERS, FIRST_NAMES, SENTENCE_LENGTH, SURNAMES, TAGGING_WORDS, TAGS } from '../../../engine/datasets/tagging.ts';

function load(params: Record<string, unknown>): Dataset {
  const result = loadDataset({ type: 'tagging', params }, datasetFiles('.'));
  if (!result.ok) assert.fail(result.error);
  return result.value;
}

/** Sentence n as words and tag names. */
function sentence(d: Dataset, n: number): { words: string[]; tags: string[] } {
  const at = (t: number) => n * d.steps + t;
  const ts = Array.from({ length: d.steps }, (_, t) => t);
  return { words: ts.map((t) => TAGGING_WORDS[d.x.data[at(t)]]), tags: ts.map((t) => TAGS[d.y.data[at(t)]]) };
}

const surnames = new Set<string>(SURNAMES);
const firstNames = new Set<string>(FIRST_NAMES);
const ambiguous = new Set(Object.keys(AMBIGUOUS_WORDS));

describe('tagging dataset', () => {
  const dataset = load({ samples: 3000, seed: 5 });

  test('parses with defaults: 2000 sentences, seed 1; refuses unknown params', () => {
    assert.deepEqual(parseDatasetSpec({ type: 'tagging' }), { ok: true, value: { type: 'tagging', params: { samples: 2000, seed: 1 } } });
    const bad = loadDataset({ type: 'tagging', params: { steps: 12 } }, datasetFiles('.'));
    assert.ok(!bad.ok && bad.error.startsWith('dataset.params.steps: unknown parameter'), JSON.stringify(bad));
  });

  test(`streams: words [N, ${SENTENCE_LENGTH}] over ${TAGGING_WORDS.length} distinct words, tags [N, ${SENTENCE_LENGTH}] over O and PER`, () => {
    assert.equal(new Set(TAGGING_WORDS).size, TAGGING_WORDS.length, 'no word twice in the vocabulary');
    assert.deepEqual(TAGS, ['O', 'PER']);
    assert.deepEqual([dataset.steps, dataset.size], [SENTENCE_LENGTH, 3000]);
    assert.deepEqual(dataset.vocabulary, TAGGING_WORDS);
    const { x, y } = dataset;
    assert.ok(x.kind === 'tokens' && x.perStep && x.vocabulary === TAGGING_WORDS.length && x.data.length === 3000 * SENTENCE_LENGTH);
    assert.ok(y.kind === 'tokens' && y.perStep && y.vocabulary === 2 && y.data.length === 3000 * SENTENCE_LENGTH);
    assert.ok(x.data.every((id) => id >= 0 && id < TAGGING_WORDS.length));
    assert.ok(y.data.every((id) => id === 0 || id === 1));
  });

  test('every tag follows from the words: PER for names and surnames, and for an ambiguous word exactly when a surname follows it', () => {
    for (let n = 0; n < dataset.size; n++) {
      const { words, tags } = sentence(dataset, n);
      const expected = words.map((w, t) => (surnames.has(w) || firstNames.has(w) || (ambiguous.has(w) && surnames.has(words[t + 1])) ? 'PER' : 'O'));
      assert.deepEqual(tags, expected, words.join(' '));
    }
  });

  test('grammar: a surname only right after a first word, a noun only right after its own ambiguous word, no first word at the end', () => {
    const nounOf = new Map(Object.entries(AMBIGUOUS_WORDS).flatMap(([word, nouns]) => nouns.map((noun) => [noun, word] as const)));
    const known = new Set<string>([...FILLERS, ...firstNames, ...surnames, ...ambiguous, ...nounOf.keys()]);
    for (let n = 0; n < dataset.size; n++) {
      const { words } = sentence(dataset, n);
      const where = `sentence ${n}: ${words.join(' ')}`;
      words.forEach((w, t) => {
        assert.ok(known.has(w), where);
        const before = words[t - 1];
        if (surnames.has(w)) assert.ok(firstNames.has(before) || ambiguous.has(before), where);
        if (nounOf.has(w)) assert.equal(before, nounOf.get(w), where);
        if (firstNames.has(w) || ambiguous.has(w)) assert.ok(t < words.length - 1 && (surnames.has(words[t + 1]) || nounOf.has(words[t + 1])), where);
      });
    }
  });

  test('each ambiguous word is a name half the time, whatever the word before it', () => {
    const names = new Map<string, [number, number]>(); // word → [as a name, in all]
    const byPrevious = new Map<string, [number, number]>(); // previous word (or sentence start) → [ambiguous word a name, in all]
    const count = (map: Map<string, [number, number]>, key: string, isName: boolean) => {
      const c = map.get(key) ?? [0, 0];
      map.set(key, [c[0] + (isName ? 1 : 0), c[1] + 1]);
    };
    for (let n = 0; n < dataset.size; n++) {
      const { words, tags } = sentence(dataset, n);
      words.forEach((w, t) => {
        if (!ambiguous.has(w)) return;
        count(names, w, tags[t] === 'PER');
        count(byPrevious, t === 0 ? '(start)' : words[t - 1], tags[t] === 'PER');
      });
    }
    assert.deepEqual([...names.keys()].sort(), [...ambiguous].sort());
    // Within four standard deviations of ½ for every group with enough examples.
    const fair = (map: Map<string, [number, number]>, min: number) => {
      let groups = 0;
      for (const [key, [yes, all]] of map) {
        if (all < min) continue;
        groups++;
        assert.ok(Math.abs(yes / all - 0.5) < 4 * Math.sqrt(0.25 / all), `${key}: a name ${yes} of ${all} times`);
      }
      return groups;
    };
    assert.equal(fair(names, 0), ambiguous.size);
    assert.ok(fair(byPrevious, 100) >= 10, 'enough previous words are checked');
  });

  test('baseline: the accuracy of giving every word its most frequent tag, recomputed here', () => {
    const tally = new Map<number, [number, number]>();
    dataset.x.data.forEach((word, i) => {
      const c = tally.get(word) ?? [0, 0];
      c[dataset.y.data[i]]++;
      tally.set(word, c);
    });
    const right = [...tally.values()].reduce((s, [o, per]) => s + Math.max(o, per), 0);
    assert.equal(dataset.baseline?.metric, 'accuracy');
    assert.equal(dataset.baseline?.value, right / dataset.x.data.length);
    // Only the ambiguous words are ever wrong, about half of them.
    assert.ok(dataset.baseline.value > 0.85 && dataset.baseline.value < 0.95, `${dataset.baseline.value}`);
    assert.match(dataset.baseline.description, /teddy/);
  });

  test('the same seed gives the same sentences, another seed others', () => {
    const again = load({ samples: 3000, seed: 5 });
    assert.deepEqual(again.x.data, dataset.x.data);
    assert.deepEqual(again.y.data, dataset.y.data);
    assert.notDeepEqual(load({ samples: 3000, seed: 6 }).x.data, dataset.x.data);
  });
});
