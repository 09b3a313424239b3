/**
 * Tagging the words of a sentence as part of a person's name or not (named-entity recognition in
 * its smallest form), from a small synthetic grammar. Some first words are ambiguous: "teddy" is
 * a name in "teddy roosevelt" and not in "teddy bears". Which one it is shows only in the word
 * that comes next, never in the words before it, so a tagger that reads left to right cannot do
 * better than a coin flip on those words, and one that also reads right to left (a bidirectional
 * network) can get them all.
 *
 * A sentence is a string of chunks, drawn one after the other until it has exactly T words:
 *   a filler word ("the", "saw", "near", …)                        O
 *   an ambiguous word and a surname ("rose parks")                  PER PER
 *   the same ambiguous word and one of its nouns ("rose garden")    O   O
 *   an unambiguous first name and a surname ("maria tanaka")        PER PER
 * Whether an ambiguous word starts a name is drawn with probability ½, independently of
 * everything before it. Surnames occur only right after a first name.
 */
import { z } from 'zod';
import { Random } from './random.ts';
import { EXAMPLES_PER_YIELD, samplesParam, seedParam, streamSizeCheck } from './params.ts';
import type { Dataset } from './types.ts';
import type { Work } from '../ir/work.ts';

/** Words per sentence (T). */
export const SENTENCE_LENGTH = 10;

/** The tags (y ids): 0 = not part of a name, 1 = part of a person's name. */
export const TAGS = ['O', 'PER'] as const;
const O = 0;
const PER = 1;

/** Ambiguous first words and the nouns that can follow them when they are not a name. */
export const AMBIGUOUS_WORDS: Readonly<Record<string, readonly string[]>> = {
  teddy: ['bears', 'toys'],
  rose: ['garden', 'petals'],
  jack: ['rabbits', 'knives'],
  iris: ['flowers', 'scanner'],
  ginger: ['biscuits', 'tea'],
  april: ['showers', 'rain'],
};
export const FIRST_NAMES = ['maria', 'kenji', 'amara', 'omar', 'lena', 'diego'] as const;
export const SURNAMES = ['roosevelt', 'parks', 'london', 'murdoch', 'rogers', 'smith', 'garcia', 'tanaka', 'okafor', 'novak'] as const;
export const FILLERS = ['the', 'a', 'we', 'they', 'saw', 'met', 'bought', 'likes', 'near', 'with', 'and', 'today', 'sold', 'found', 'market', 'zoo'] as const;

/** Every word (x id → word), in a fixed order that does not depend on the seed. */
export const TAGGING_WORDS: readonly string[] = [...FILLERS, ...Object.keys(AMBIGUOUS_WORDS), ...Object.values(AMBIGUOUS_WORDS).flat(), ...FIRST_NAMES, ...SURNAMES];

/** Chance that a chunk (where two words still fit) is an ambiguous word, and a plain name. */
const AMBIGUOUS_CHANCE = 0.35;
const NAME_CHANCE = 0.15;

export const taggingParams = z
  .strictObject({
    samples: samplesParam(2000),
    seed: seedParam,
  })
  .superRefine(streamSizeCheck(() => SENTENCE_LENGTH, `${SENTENCE_LENGTH} words`));
export type TaggingParams = z.output<typeof taggingParams>;

/**
 * x: tokens [N, T], vocabulary TAGGING_WORDS.length: the words (T = SENTENCE_LENGTH).
 * y: tokens [N, T], vocabulary TAGS.length: the tag of each word (0 O, 1 PER).
 * vocabulary: the words (TAGGING_WORDS); the tags' names are TAGS.
 */
export function* generateTagging(params: TaggingParams): Work<Dataset> {
  const { samples } = params;
  const steps = SENTENCE_LENGTH;
  const random = new Random(params.seed);
  const id = new Map(TAGGING_WORDS.map((word, i) => [word, i]));
  const pick = (words: readonly string[]): number => id.get(words[random.int(words.length)])!;
  const ambiguous = Object.keys(AMBIGUOUS_WORDS);
  const x = new Int32Array(samples * steps);
  const y = new Int32Array(samples * steps);

  for (let n = 0; n < samples; n++) {
    if (n % EXAMPLES_PER_YIELD === 0) yield n / samples;
    let t = n * steps;
    const end = t + steps;
    const put = (word: number, tag: number) => {
      x[t] = word;
      y[t++] = tag;
    };
    while (t < end) {
      const chunk = end - t >= 2 ? random.uniform() : 1;
      if (chunk < AMBIGUOUS_CHANCE) {
        const first = ambiguous[random.int(ambiguous.length)];
        const isName = random.bernoulli(0.5);
        put(id.get(first)!, isName ? PER : O);
        put(isName ? pick(SURNAMES) : pick(AMBIGUOUS_WORDS[first]), isName ? PER : O);
      } else if (chunk < AMBIGUOUS_CHANCE + NAME_CHANCE) {
        put(pick(FIRST_NAMES), PER);
        put(pick(SURNAMES), PER);
      } else put(pick(FILLERS), O);
    }
  }

  // The best a tagger can do that sees each word alone: give every word its most frequent tag.
  const counts = TAGGING_WORDS.map(() => [0, 0]);
  for (let i = 0; i < x.length; i++) counts[x[i]][y[i]]++;
  const right = counts.reduce((sum, [o, per]) => sum + Math.max(o, per), 0);
  const accuracy = right / x.length;
  return {
    type: 'tagging',
    steps,
    size: samples,
    x: { kind: 'tokens', perStep: true, vocabulary: TAGGING_WORDS.length, data: x },
    y: { kind: 'tokens', perStep: true, vocabulary: TAGS.length, data: y },
    vocabulary: TAGGING_WORDS,
    baseline: {
      metric: 'accuracy',
      value: accuracy,
      description: `Giving every word its most frequent tag is right on ${(100 * accuracy).toFixed(1)}% of words; it misses about half of the ambiguous first words (${ambiguous.join(', ')}), which a tagger that reads only left to right cannot tell apart. Reading the next word as well gets 100%.`,
    },
  };
}
