/**
 * The dataset registry: every generator with its labels, help and params schema, and the one
 * entry point that turns a `{ type, params }` spec from a graph file into data.
 *
 * The palette, the inspector and the docs read DATASETS; the trainer calls loadDataset.
 */
import { z } from 'zod';
import { addingParams, generateAdding } from './adding.ts';
import { copyReverseParams, generateCopyReverse } from './copy-reverse.ts';
import { generateSine, sineParams } from './sine.ts';
import { generateTagging, taggingParams } from './tagging.ts';
import { generateText, textParams } from './text.ts';
import { generateWeatherFood, weatherFoodParams } from './weather-food.ts';
import { DatasetError, type Dataset, type DatasetContext, nonFiniteValue } from './types.ts';
import { finish, type Work } from '../ir/work.ts';

export * from './types.ts';
export { Random } from './random.ts';
export { DISHES } from './weather-food.ts';

export interface LocalizedText {
  en: string;
  zh: string;
}

/** One dataset kind. `params` is a strict zod object: every field has a range and a description. */
export interface DatasetDefinition<S extends z.ZodObject = z.ZodObject> {
  type: string;
  label: LocalizedText;
  help: LocalizedText;
  params: S;
  /** The param that says how many examples to generate (what probeDataset sets to 1). */
  examplesParam: keyof z.output<S> & string;
  /**
   * params: already parsed by `params`. Yields how far it is as it goes (see ir/work.ts). Throws
   * DatasetError for user errors (a missing file).
   */
  generate(params: z.output<S>, ctx: DatasetContext): Work<Dataset>;
}

function defineDataset<S extends z.ZodObject>(definition: DatasetDefinition<S>): DatasetDefinition<S> {
  return definition;
}

export const DATASETS = {
  'weather-food': defineDataset({
    type: 'weather-food',
    label: { en: 'Weather and the cook', zh: '天气与厨师' },
    help: {
      en: 'A cook makes apple pie, burger and chicken in turn: on a sunny day the same dish as yesterday, on a rainy day the next one. Yesterday\'s dish is shown only at the first step, so the network must remember it. Input: weather (and the first dish); target: the dish of each day.',
      zh: '厨师轮流做苹果派、汉堡和鸡肉：晴天做和昨天一样的菜，雨天做下一道菜。昨天的菜只在第一步给出，网络必须记住它。输入：天气（以及第一道菜）；目标：每天的菜。',
    },
    params: weatherFoodParams,
    examplesParam: 'samples',
    generate: generateWeatherFood,
  }),
  sine: defineDataset({
    type: 'sine',
    label: { en: 'Sine wave forecasting', zh: '正弦波预测' },
    help: {
      en: 'Windows of a (optionally noisy) sine wave scaled to [-1, 1]; the target is the value right after each window.',
      zh: '从（可加噪声的）正弦波中截取的窗口，缩放到 [-1, 1]；目标是每个窗口之后的下一个值。',
    },
    params: sineParams,
    examplesParam: 'samples',
    generate: generateSine,
  }),
  adding: defineDataset({
    type: 'adding',
    label: { en: 'Adding problem', zh: '加法问题' },
    help: {
      en: 'Random numbers in [0, 1) with two of them marked, one in each half of the sequence; the target is their sum. A classic test of long-term memory: always answering 1 gives MSE ≈ 0.167.',
      zh: '一串 [0, 1) 之间的随机数，其中两个被标记（前半段和后半段各一个）；目标是它们的和。这是检验长期记忆的经典任务：总是回答 1 的均方误差约为 0.167。',
    },
    params: addingParams,
    examplesParam: 'samples',
    generate: generateAdding,
  }),
  text: defineDataset({
    type: 'text',
    label: { en: 'Character-level text', zh: '字符级文本' },
    help: {
      en: 'Windows of characters from a UTF-8 text file; at each position the target is the next character. Works with any script, Chinese included.',
      zh: '从 UTF-8 文本文件中截取的字符窗口；每个位置的目标是下一个字符。适用于任何文字，包括中文。',
    },
    params: textParams,
    examplesParam: 'maxSamples',
    generate: generateText,
  }),
  'sequence-copy': defineDataset({
    type: 'sequence-copy',
    label: { en: 'Copy or reverse a sequence', zh: '复制或反转序列' },
    help: {
      en: 'Random strings of symbols; the target is the same string, copied or reversed. For encoder–decoder networks: x is the source, decoderInput the target one step late behind a start token <s> (teacher forcing), y the target. Reversing is hard without attention and easy with it.',
      zh: '随机的符号串；目标是同一个串，原样复制或反转。用于编码器–解码器网络：x 是源序列，decoderInput 是在起始符 <s> 之后晚一步的目标序列（教师强制），y 是目标序列。没有注意力时反转很难，有了注意力就很容易。',
    },
    params: copyReverseParams,
    examplesParam: 'samples',
    generate: generateCopyReverse,
  }),
  tagging: defineDataset({
    type: 'tagging',
    label: { en: 'Tagging names in sentences', zh: '句子中的人名标注' },
    help: {
      en: 'Sentences of 10 words from a small grammar; the target tags each word PER (part of a person\'s name) or O. Some first words are ambiguous: "teddy" is a name in "teddy roosevelt" and not in "teddy bears", and only the next word tells. A left-to-right network guesses on those words; a bidirectional one can get them right.',
      zh: '由一个小语法生成的 10 个词的句子；目标是给每个词标注 PER（人名的一部分）或 O。有些开头的词有歧义："teddy" 在 "teddy roosevelt" 中是人名，在 "teddy bears" 中不是，只有下一个词能说明。只从左往右读的网络在这些词上只能猜；双向网络可以全部标对。',
    },
    params: taggingParams,
    examplesParam: 'samples',
    generate: generateTagging,
  }),
} as const;

export type DatasetType = keyof typeof DATASETS;
/** Parsed params (defaults filled in) of each dataset type. */
export type DatasetParams = { [K in DatasetType]: z.output<(typeof DATASETS)[K]['params']> };
/** A validated dataset spec: a registry type and its parsed params. */
export type DatasetSpec = { [K in DatasetType]: { type: K; params: DatasetParams[K] } }[DatasetType];

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

const DATASET_TYPES = Object.keys(DATASETS) as DatasetType[];

function isDatasetType(type: string): type is DatasetType {
  return Object.hasOwn(DATASETS, type);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return String(value);
  return typeof value;
}

function joinPath(at: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), at);
}

/** One line per zod issue: `<path>: <what is wrong>`, in words a user can act on. */
function formatIssue(issue: z.core.$ZodIssue, at: string, known: readonly string[]): string[] {
  const where = joinPath(at, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      if (!('input' in issue) || issue.input === undefined) return [`${where}: required`];
      const expected = issue.expected === 'int' ? 'an integer' : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
      return [`${where}: must be ${expected}, got ${describeValue(issue.input)}`];
    }
    case 'too_small': {
      if (issue.origin === 'string') return [`${where}: ${Number(issue.minimum) <= 1 ? 'must not be empty' : `must have at least ${issue.minimum} characters`}`];
      return [`${where}: must be ${issue.inclusive ? '≥' : '>'} ${issue.minimum}`];
    }
    case 'too_big':
      if (issue.origin === 'string') return [`${where}: must have at most ${issue.maximum} characters`];
      return [`${where}: must be ${issue.inclusive ? '≤' : '<'} ${issue.maximum}`];
    case 'unrecognized_keys':
      return issue.keys.map((key) => `${joinPath(where, [key])}: unknown parameter (known: ${known.join(', ')})`);
    case 'invalid_value':
      return [`${where}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`];
    default:
      return [`${where}: ${issue.message}`];
  }
}

/**
 * Validates a dataset spec `{ type, params }` from a graph file or a message. Missing params
 * take their defaults. Errors name the field: `dataset.params.steps: must be ≥ 2`; several
 * problems are joined with "; ". `at` is the path of the spec in its document.
 */
export function parseDatasetSpec(spec: unknown, at = 'dataset'): Result<DatasetSpec> {
  if (!isRecord(spec)) return { ok: false, error: `${at}: must be an object { type, params }, got ${describeValue(spec)}` };
  const extra = Object.keys(spec).filter((key) => key !== 'type' && key !== 'params');
  if (extra.length > 0) return { ok: false, error: extra.map((key) => `${at}.${key}: unknown key (a dataset spec has only "type" and "params")`).join('; ') };
  const { type } = spec;
  if (typeof type !== 'string') {
    return { ok: false, error: `${at}.type: ${type === undefined ? 'required' : `must be a string, got ${describeValue(type)}`} (one of ${DATASET_TYPES.join(', ')})` };
  }
  if (!isDatasetType(type)) return { ok: false, error: `${at}.type: unknown dataset type ${JSON.stringify(type)} (known: ${DATASET_TYPES.join(', ')})` };
  return parseParams(type, spec.params ?? {}, `${at}.params`);
}

function parseParams<K extends DatasetType>(type: K, params: unknown, at: string): Result<DatasetSpec> {
  const schema: z.ZodObject = DATASETS[type].params;
  const parsed = schema.safeParse(params, { reportInput: true });
  if (!parsed.success) {
    const known = Object.keys(schema.shape);
    return { ok: false, error: parsed.error.issues.flatMap((issue) => formatIssue(issue, at, known)).join('; ') };
  }
  // The schema of DATASETS[type] produced these params, so they are DatasetParams[K].
  return { ok: true, value: { type, params: parsed.data } as DatasetSpec };
}

/** The generator of a validated spec, in pieces (see ir/work.ts). Throws DatasetError for user errors. */
export function generateDataset(spec: DatasetSpec, ctx: DatasetContext): Work<Dataset> {
  switch (spec.type) {
    case 'weather-food':
      return DATASETS['weather-food'].generate(spec.params, ctx);
    case 'sine':
      return DATASETS.sine.generate(spec.params, ctx);
    case 'adding':
      return DATASETS.adding.generate(spec.params, ctx);
    case 'text':
      return DATASETS.text.generate(spec.params, ctx);
    case 'sequence-copy':
      return DATASETS['sequence-copy'].generate(spec.params, ctx);
    case 'tagging':
      return DATASETS.tagging.generate(spec.params, ctx);
    default:
      return assertNever(spec);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled dataset spec: ${JSON.stringify(value)}`);
}

/**
 * Validates `spec` and generates its data. User errors (bad params, a missing or empty file)
 * come back as `{ ok: false, error }` naming the field, e.g.
 * `dataset.params.file: file not found: "/home/me/diary.txt"`; anything else is a bug and throws.
 */
export function loadDataset(spec: unknown, ctx: DatasetContext, at = 'dataset'): Result<Dataset> {
  return finish(loadDatasetWork(spec, ctx, at));
}

/**
 * loadDataset cut to one example: the same streams (kinds, features, vocabulary) and the same
 * errors in params and files, at the cost of one example, to check a graph against its data
 * before all of it is generated.
 */
export function probeDataset(spec: unknown, ctx: DatasetContext, at = 'dataset'): Result<Dataset> {
  const parsed = parseDatasetSpec(spec, at);
  if (!parsed.ok) return parsed;
  const { type, params } = parsed.value;
  return loadDataset({ type, params: { ...params, [DATASETS[type].examplesParam]: 1 } }, ctx, at);
}

/** loadDataset in pieces (see ir/work.ts), for a caller that reports progress or stops while a large dataset is generated. */
export function* loadDatasetWork(spec: unknown, ctx: DatasetContext, at = 'dataset'): Work<Result<Dataset>> {
  const parsed = parseDatasetSpec(spec, at);
  if (!parsed.ok) return parsed;
  try {
    const dataset = yield* generateDataset(parsed.value, ctx);
    const bad = nonFiniteValue(dataset);
    return bad ? { ok: false, error: `${at}: ${bad}` } : { ok: true, value: dataset };
  } catch (error) {
    if (error instanceof DatasetError) return { ok: false, error: `${at}.params.${error.param}: ${error.detail}` };
    throw error;
  }
}
