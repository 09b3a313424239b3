import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  DATASETS,
  DISHES,
  loadDataset,
  parseDatasetSpec,
  streamShape,
  type Dataset,
  type DatasetType,
  type Stream,
  nonFiniteValue,
} from '../../../engine/datasets/index.ts';
import { datasetFiles } from '../../../engine/files/dataset-files.ts';

const templatesData = fileURLToPath(new URL('../../../templates/data/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'rnn-studio-datasets-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function load(spec: unknown, baseDir = scratch): Dataset {
  const result = loadDataset(spec, datasetFiles(baseDir));
  if (!result.ok) assert.fail(`expected ${JSON.stringify(spec)} to load, got: ${result.error}`);
  return result.value;
}

function loadError(spec: unknown, baseDir = scratch): string {
  const result = loadDataset(spec, datasetFiles(baseDir));
  assert.ok(!result.ok, `expected ${JSON.stringify(spec)} to fail`);
  return result.error;
}

function writeScratch(name: string, text: string): string {
  writeFileSync(join(scratch, name), text, 'utf8');
  return name;
}

function bytes(stream: Stream): Buffer {
  return Buffer.from(stream.data.buffer, stream.data.byteOffset, stream.data.byteLength);
}

/** A small spec of every type, used by the tests that apply to all of them. */
const SMALL: Record<DatasetType, { type: DatasetType; params: Record<string, unknown> }> = {
  'weather-food': { type: 'weather-food', params: { steps: 7, samples: 40 } },
  sine: { type: 'sine', params: { window: 12, samples: 30, noise: 0.1 } },
  adding: { type: 'adding', params: { length: 9, samples: 50 } },
  text: { type: 'text', params: { file: 'cook-diary.txt', steps: 16, maxSamples: 60 } },
  'sequence-copy': { type: 'sequence-copy', params: { length: 6, symbols: 5, samples: 40 } },
  tagging: { type: 'tagging', params: { samples: 40 } },
};
const baseDirOf = (type: DatasetType) => (type === 'text' ? templatesData : scratch);

describe('registry', () => {
  test('every entry is keyed by its type and has labels and help in English and Chinese', () => {
    assert.deepEqual(Object.keys(DATASETS).sort(), ['adding', 'sequence-copy', 'sine', 'tagging', 'text', 'weather-food']);
    for (const [key, definition] of Object.entries(DATASETS)) {
      assert.equal(definition.type, key);
      for (const text of [definition.label, definition.help]) {
        assert.ok(text.en.length > 0 && text.zh.length > 0, key);
        assert.match(text.zh, /[\u4e00-\u9fff]/, `${key} has Chinese text`);
      }
    }
  });

  test('every param is described; numbers have ranges; all but file and stride have defaults', () => {
    for (const [key, definition] of Object.entries(DATASETS)) {
      const jsonSchema = z.toJSONSchema(definition.params, { io: 'input' });
      const properties = z.record(z.string(), z.record(z.string(), z.unknown())).parse(jsonSchema.properties);
      assert.ok('seed' in properties, `${key} has a seed`);
      for (const [name, property] of Object.entries(properties)) {
        const where = `${key}.${name}`;
        assert.equal(typeof property.description, 'string', `${where} is described`);
        if (property.type === 'number' || property.type === 'integer') {
          assert.equal(typeof property.minimum, 'number', `${where} has a minimum`);
          assert.equal(typeof property.maximum, 'number', `${where} has a maximum`);
        }
        if (name !== 'file' && name !== 'stride') assert.ok('default' in property, `${where} has a default`);
      }
    }
  });

  test('parseDatasetSpec fills in defaults', () => {
    assert.deepEqual(parseDatasetSpec({ type: 'adding' }), { ok: true, value: { type: 'adding', params: { length: 30, samples: 2048, seed: 1 } } });
    assert.deepEqual(parseDatasetSpec({ type: 'weather-food', params: { steps: 4 } }), {
      ok: true,
      value: { type: 'weather-food', params: { steps: 4, samples: 512, rainProbability: 0.5, seed: 1 } },
    });
    assert.deepEqual(parseDatasetSpec({ type: 'sine', params: {} }), {
      ok: true,
      value: { type: 'sine', params: { window: 20, samples: 512, period: 25, noise: 0, seed: 1 } },
    });
    assert.deepEqual(parseDatasetSpec({ type: 'text', params: { file: 'a.txt' } }), {
      ok: true,
      value: { type: 'text', params: { file: 'a.txt', steps: 32, maxSamples: 100000, shuffle: true, seed: 1 } },
    });
  });
});

describe('every dataset', () => {
  for (const type of Object.keys(SMALL) as DatasetType[]) {
    test(`${type}: same seed gives identical bytes, another seed different ones`, () => {
      const spec = SMALL[type];
      const a = load(spec, baseDirOf(type));
      const b = load(structuredClone(spec), baseDirOf(type));
      assert.ok(bytes(a.x).equals(bytes(b.x)) && bytes(a.y).equals(bytes(b.y)), 'same seed, same bytes');
      assert.deepEqual(a.baseline, b.baseline);
      const c = load({ ...spec, params: { ...spec.params, seed: 2 } }, baseDirOf(type));
      assert.ok(!bytes(a.x).equals(bytes(c.x)), 'seed 2 gives other inputs');
    });

    test(`${type}: streams have the documented shapes, dtypes and value ranges`, () => {
      const dataset = load(SMALL[type], baseDirOf(type));
      assert.equal(dataset.type, type);
      assert.ok(dataset.size > 0 && dataset.steps > 1);
      for (const stream of [dataset.x, dataset.y]) {
        const shape = streamShape(stream, dataset.size, dataset.steps);
        assert.equal(stream.data.length, shape.reduce((p, d) => p * d, 1));
        if (stream.kind === 'dense') {
          assert.ok(stream.data instanceof Float32Array);
          assert.ok(stream.data.every(Number.isFinite));
        } else {
          assert.ok(stream.data instanceof Int32Array);
          assert.ok(stream.data.every((id) => id >= 0 && id < stream.vocabulary));
          // A tagger's vocabulary names its words (x); its tags (y) are TAGS in tagging.ts.
          if (dataset.type !== 'tagging' || stream === dataset.x) assert.equal(dataset.vocabulary?.length, stream.vocabulary);
        }
      }
      assert.ok(dataset.baseline && Number.isFinite(dataset.baseline.value) && dataset.baseline.description.length > 0);
    });
  }

  test('stream kinds per dataset', () => {
    const kinds = (d: Dataset) => [d.x.kind, d.x.perStep, d.x.kind === 'dense' ? d.x.features : d.x.vocabulary, d.y.kind, d.y.perStep];
    assert.deepEqual(kinds(load(SMALL['weather-food'])), ['dense', true, 5, 'tokens', true]);
    assert.deepEqual(kinds(load(SMALL.sine)), ['dense', true, 1, 'dense', false]);
    assert.deepEqual(kinds(load(SMALL.adding)), ['dense', true, 2, 'dense', false]);
    const text = load(SMALL.text, templatesData);
    assert.deepEqual(kinds(text).filter((_, i) => i !== 2), ['tokens', true, 'tokens', true]);
  });
});

describe('weather-food', () => {
  /** apple pie → burger → chicken → apple pie, written out rather than computed. */
  const NEXT_DISH = [1, 2, 0];

  /** Re-simulates the cook from the inputs alone and returns the dishes the rule gives. */
  function simulate(dataset: Dataset): Int32Array {
    const { x, steps, size } = dataset;
    assert.ok(x.kind === 'dense' && x.features === 5);
    const data: Float32Array = x.data;
    const dishes = new Int32Array(size * steps);
    for (let n = 0; n < size; n++) {
      const at = (t: number, f: number): number => data[(n * steps + t) * 5 + f];
      const yesterday = [2, 3, 4].filter((f) => at(0, f) === 1);
      assert.equal(yesterday.length, 1, `example ${n}: exactly one dish shown at step 0`);
      assert.equal([2, 3, 4].reduce((s, f) => s + at(0, f), 0), 1);
      let dish = yesterday[0] - 2;
      for (let t = 0; t < steps; t++) {
        assert.equal(at(t, 0) + at(t, 1), 1, `example ${n} step ${t}: weather is one-hot`);
        if (t > 0) assert.deepEqual([at(t, 2), at(t, 3), at(t, 4)], [0, 0, 0], 'the dish is not shown after step 0');
        const rainy = at(t, 1) === 1;
        dish = rainy ? NEXT_DISH[dish] : dish;
        dishes[n * steps + t] = dish;
      }
    }
    return dishes;
  }

  test('the dish of each day follows the sunny/rainy rule', () => {
    const dataset = load({ type: 'weather-food', params: { steps: 25, samples: 300, seed: 12 } });
    assert.deepEqual(dataset.y.data, simulate(dataset));
    assert.deepEqual(dataset.vocabulary, ['apple pie', 'burger', 'chicken']);
    assert.deepEqual(DISHES, dataset.vocabulary);
  });

  test('rainProbability sets the rain rate; 0 keeps the first dish, 1 cycles every day', () => {
    const rainy = load({ type: 'weather-food', params: { steps: 50, samples: 400, rainProbability: 0.3 } });
    let rain = 0;
    for (let i = 1; i < rainy.x.data.length; i += 5) rain += rainy.x.data[i];
    assert.ok(Math.abs(rain / (50 * 400) - 0.3) < 0.02, `rain rate ${rain / 20000}`);
    assert.deepEqual(rainy.y.data, simulate(rainy));

    const dry = load({ type: 'weather-food', params: { steps: 6, samples: 30, rainProbability: 0 } });
    const wet = load({ type: 'weather-food', params: { steps: 6, samples: 30, rainProbability: 1 } });
    for (let n = 0; n < 30; n++) {
      const first = [2, 3, 4].findIndex((f) => dry.x.data[n * 30 + f] === 1);
      assert.deepEqual([...dry.y.data.subarray(n * 6, n * 6 + 6)], [first, first, first, first, first, first]);
      const start = [2, 3, 4].findIndex((f) => wet.x.data[n * 30 + f] === 1);
      assert.deepEqual([...wet.y.data.subarray(n * 6, n * 6 + 6)], [1, 2, 3, 4, 5, 6].map((k) => (start + k) % 3));
    }
  });

  test('baseline is the accuracy of always guessing the most frequent dish', () => {
    const dataset = load({ type: 'weather-food', params: { steps: 10, samples: 200, seed: 3 } });
    const counts = [0, 0, 0];
    for (const dish of dataset.y.data) counts[dish]++;
    assert.equal(dataset.baseline?.metric, 'accuracy');
    assert.equal(dataset.baseline?.value, Math.max(...counts) / 2000);
    assert.ok(dataset.baseline.value > 0.3 && dataset.baseline.value < 0.45);
    assert.match(dataset.baseline.description, new RegExp(DISHES[counts.indexOf(Math.max(...counts))]));
  });
});

describe('sine', () => {
  test('windows slide by one step, the target is the next value, values span [-1, 1]', () => {
    const dataset = load({ type: 'sine', params: { window: 20, samples: 100, noise: 0.2, seed: 4 } });
    const { x, y } = dataset;
    const T = 20;
    for (let n = 0; n + 1 < 100; n++) {
      for (let t = 1; t < T; t++) assert.equal(x.data[(n + 1) * T + t - 1], x.data[n * T + t]);
      assert.equal(y.data[n], x.data[(n + 1) * T + T - 1]);
    }
    // The whole series is x of example 0 followed by every target.
    const series = [...x.data.subarray(0, T), ...y.data];
    assert.equal(Math.min(...series), -1);
    assert.equal(Math.max(...series), 1);
    assert.ok(dataset.normalisation && dataset.normalisation.max > dataset.normalisation.min);
  });

  test('noise-free data is a sine of the given period once denormalised', () => {
    const period = 17;
    const dataset = load({ type: 'sine', params: { window: 10, samples: 200, period, seed: 9 } });
    assert.ok(dataset.normalisation);
    const { min, max } = dataset.normalisation;
    const series = [...dataset.x.data.subarray(0, 10), ...dataset.y.data].map((v) => min + ((v + 1) / 2) * (max - min));
    // Any sampled sinusoid satisfies s[t+1] + s[t-1] = 2 cos(2π / period) · s[t].
    const c = 2 * Math.cos((2 * Math.PI) / period);
    for (let t = 1; t + 1 < series.length; t++) assert.ok(Math.abs(series[t + 1] + series[t - 1] - c * series[t]) < 1e-5, `t = ${t}`);
    assert.ok(Math.abs(Math.max(...series.map(Math.abs)) - 1) < 0.02, 'amplitude 1');
  });

  test('baseline is the MSE of repeating the last value of the window', () => {
    const dataset = load({ type: 'sine', params: { window: 5, samples: 64, seed: 2 } });
    let sum = 0;
    for (let n = 0; n < 64; n++) sum += (dataset.y.data[n] - dataset.x.data[n * 5 + 4]) ** 2;
    assert.equal(dataset.baseline?.metric, 'mse');
    assert.ok(Math.abs((dataset.baseline?.value ?? NaN) - sum / 64) < 1e-12);
  });
});

describe('adding', () => {
  for (const length of [30, 2, 7]) {
    test(`length ${length}: two markers, one per half; the target is the sum of the marked values`, () => {
      const samples = 500;
      const dataset = load({ type: 'adding', params: { length, samples, seed: length } });
      const half = Math.floor(length / 2);
      for (let n = 0; n < samples; n++) {
        const value = (t: number) => dataset.x.data[(n * length + t) * 2];
        const marker = (t: number) => dataset.x.data[(n * length + t) * 2 + 1];
        const marked = Array.from({ length }, (_, t) => t).filter((t) => marker(t) !== 0);
        assert.equal(marked.length, 2, `example ${n}`);
        assert.ok(marked.every((t) => marker(t) === 1));
        assert.ok(marked[0] < half && marked[1] >= half, `example ${n}: markers at ${marked}`);
        for (let t = 0; t < length; t++) assert.ok(value(t) >= 0 && value(t) < 1);
        assert.equal(dataset.y.data[n], Math.fround(value(marked[0]) + value(marked[1])));
      }
    });
  }

  test('baseline: always answering 1 gives MSE ≈ 1/6', () => {
    const dataset = load({ type: 'adding', params: {} });
    assert.equal(dataset.size, 2048);
    assert.equal(dataset.steps, 30);
    let sum = 0;
    for (const target of dataset.y.data) sum += (target - 1) ** 2;
    assert.equal(dataset.baseline?.metric, 'mse');
    assert.ok(Math.abs((dataset.baseline?.value ?? NaN) - sum / 2048) < 1e-12);
    assert.ok(Math.abs(dataset.baseline.value - 0.167) < 0.02, `baseline ${dataset.baseline.value}`);
  });

  test('marker positions are spread over each half', () => {
    const dataset = load({ type: 'adding', params: { length: 10, samples: 5000 } });
    const counts = new Array<number>(10).fill(0);
    for (let i = 1; i < dataset.x.data.length; i += 2) if (dataset.x.data[i] === 1) counts[((i - 1) / 2) % 10]++;
    for (const c of counts) assert.ok(Math.abs(c - 1000) < 120, `marker counts ${counts}`);
  });
});

describe('text', () => {
  const decode = (dataset: Dataset, stream: Stream, n: number) =>
    [...stream.data.subarray(n * dataset.steps, (n + 1) * dataset.steps)].map((id) => dataset.vocabulary?.[id]).join('');

  test('windows of steps characters with stride; y is the next character at each position', () => {
    const text = 'abcdefghijklmnopqrstuvwxyz';
    const file = writeScratch('alphabet.txt', text);
    const dataset = load({ type: 'text', params: { file, steps: 5, stride: 3, shuffle: false } });
    assert.deepEqual(dataset.vocabulary, [...text]);
    // Starts 0, 3, …, 18: the last window needs characters up to 18 + 5 = 23 < 26.
    assert.equal(dataset.size, 7);
    for (let n = 0; n < 7; n++) {
      assert.equal(decode(dataset, dataset.x, n), text.slice(3 * n, 3 * n + 5));
      assert.equal(decode(dataset, dataset.y, n), text.slice(3 * n + 1, 3 * n + 6));
    }
    const noOverlap = load({ type: 'text', params: { file, steps: 5, shuffle: false } });
    assert.deepEqual([0, 1, 2, 3, 4].map((n) => decode(noOverlap, noOverlap.x, n)), ['abcde', 'fghij', 'klmno', 'pqrst', 'uvwxy']);
    assert.equal(noOverlap.size, 5, 'stride defaults to steps; "z" is only ever a target');
  });

  test('Chinese and emoji are one symbol each; the vocabulary is sorted by code point', () => {
    const text = '今天下雨，厨师做了汉堡。明天晴天，厨师还做汉堡。😀🍔';
    const file = writeScratch('chinese.txt', text);
    const chars = [...text];
    const dataset = load({ type: 'text', params: { file, steps: 4, stride: 1, shuffle: false } });
    assert.deepEqual(dataset.vocabulary, [...new Set(chars)].sort((a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0)));
    assert.ok(dataset.vocabulary?.includes('😀') && dataset.vocabulary.every((c) => [...c].length === 1));
    assert.equal(dataset.size, chars.length - 4);
    for (let n = 0; n < dataset.size; n++) {
      assert.equal(decode(dataset, dataset.x, n), chars.slice(n, n + 4).join(''));
      assert.equal(decode(dataset, dataset.y, n), chars.slice(n + 1, n + 5).join(''));
    }
  });

  test('shuffle reorders examples by seed; maxSamples keeps that many', () => {
    const file = writeScratch('numbers.txt', Array.from({ length: 200 }, (_, i) => String(i % 10)).join(''));
    const ordered = load({ type: 'text', params: { file, steps: 4, shuffle: false } });
    const shuffled = load({ type: 'text', params: { file, steps: 4, seed: 5 } });
    const windows = (d: Dataset) => Array.from({ length: d.size }, (_, n) => [...d.x.data.subarray(n * 4, n * 4 + 4)].join(','));
    assert.equal(shuffled.size, ordered.size);
    assert.notDeepEqual(windows(shuffled), windows(ordered));
    assert.deepEqual([...windows(shuffled)].sort(), [...windows(ordered)].sort());
    const capped = load({ type: 'text', params: { file, steps: 4, maxSamples: 10, shuffle: false } });
    assert.equal(capped.size, 10);
    assert.deepEqual(windows(capped), windows(ordered).slice(0, 10));
  });

  test('Windows line ends read as \\n and a BOM is dropped', () => {
    const file = writeScratch('crlf.txt', '\ufeffsun\r\nrain\r\nsun\r\n');
    const dataset = load({ type: 'text', params: { file, steps: 3, stride: 1, shuffle: false } });
    assert.deepEqual(dataset.vocabulary, ['\n', 'a', 'i', 'n', 'r', 's', 'u']);
  });

  test('baseline is the unigram cross-entropy of the targets, below ln(V)', () => {
    const file = writeScratch('skewed.txt', 'aaaaaaabbbc'.repeat(20));
    const dataset = load({ type: 'text', params: { file, steps: 10, stride: 1 } });
    const counts = new Map<number, number>();
    for (const id of dataset.y.data) counts.set(id, (counts.get(id) ?? 0) + 1);
    let entropy = 0;
    for (const c of counts.values()) entropy -= (c / dataset.y.data.length) * Math.log(c / dataset.y.data.length);
    assert.equal(dataset.baseline?.metric, 'crossEntropy');
    assert.ok(Math.abs((dataset.baseline?.value ?? NaN) - entropy) < 1e-12);
    assert.ok(dataset.baseline.value < Math.log(3));
    assert.match(dataset.baseline.description, /ln\(3\) = 1\.099/);
  });

  test('the shipped cook diary is 3–6 KB of plain text a small model can learn', () => {
    const size = statSync(join(templatesData, 'cook-diary.txt')).size;
    assert.ok(size >= 3000 && size <= 6144, `size ${size}`);
    const dataset = load({ type: 'text', params: { file: 'cook-diary.txt' } }, templatesData);
    assert.ok(dataset.size > 100, `${dataset.size} examples`);
    assert.ok((dataset.vocabulary?.length ?? 0) < 60, `${dataset.vocabulary?.length} characters`);
    assert.ok(dataset.baseline && dataset.baseline.value < Math.log(dataset.vocabulary?.length ?? 0));
  });
});

describe('bad specs give errors that name the field', () => {
  writeScratch('empty.txt', '');
  writeScratch('short.txt', 'abc');
  const cases: { name: string; spec: unknown; error: string | RegExp }[] = [
    { name: 'steps below the range', spec: { type: 'weather-food', params: { steps: 1 } }, error: 'dataset.params.steps: must be ≥ 2' },
    { name: 'steps above the range', spec: { type: 'weather-food', params: { steps: 201 } }, error: 'dataset.params.steps: must be ≤ 200' },
    { name: 'length below the range', spec: { type: 'adding', params: { length: 1 } }, error: 'dataset.params.length: must be ≥ 2' },
    { name: 'a fractional integer', spec: { type: 'adding', params: { length: 2.5 } }, error: 'dataset.params.length: must be an integer, got 2.5' },
    { name: 'a string for a number', spec: { type: 'sine', params: { window: '20' } }, error: 'dataset.params.window: must be a number, got the string "20"' },
    { name: 'a probability above 1', spec: { type: 'weather-food', params: { rainProbability: 1.5 } }, error: 'dataset.params.rainProbability: must be ≤ 1' },
    { name: 'a negative seed', spec: { type: 'sine', params: { seed: -1 } }, error: 'dataset.params.seed: must be ≥ 0' },
    { name: 'a misspelt param', spec: { type: 'adding', params: { lenght: 10 } }, error: /^dataset\.params\.lenght: unknown parameter \(known: length, samples, seed\)$/ },
    { name: 'too many values', spec: { type: 'adding', params: { length: 1000, samples: 100000 } }, error: /^dataset\.params\.samples: samples × length × 2 features = 200,000,000 values, more than the limit/ },
    { name: 'two problems at once', spec: { type: 'weather-food', params: { steps: 1, samples: 0 } }, error: 'dataset.params.steps: must be ≥ 2; dataset.params.samples: must be ≥ 1' },
    { name: 'an unknown type', spec: { type: 'mnist' }, error: 'dataset.type: unknown dataset type "mnist" (known: weather-food, sine, adding, text, sequence-copy, tagging)' },
    { name: 'no type', spec: { params: {} }, error: /^dataset\.type: required/ },
    { name: 'not an object', spec: 'adding', error: 'dataset: must be an object { type, params }, got the string "adding"' },
    { name: 'params not an object', spec: { type: 'adding', params: [1] }, error: 'dataset.params: must be an object, got an array' },
    { name: 'an extra key', spec: { type: 'adding', param: {} }, error: /^dataset\.param: unknown key/ },
    { name: 'text without a file', spec: { type: 'text', params: {} }, error: 'dataset.params.file: required' },
    { name: 'text with an empty file name', spec: { type: 'text', params: { file: '' } }, error: 'dataset.params.file: must not be empty' },
    { name: 'a missing file', spec: { type: 'text', params: { file: 'nowhere/diary.txt' } }, error: `dataset.params.file: file not found: "${join(scratch, 'nowhere', 'diary.txt')}" (links that lead out of the graph file's folder are not followed)` },
    { name: 'an empty file', spec: { type: 'text', params: { file: 'empty.txt' } }, error: `dataset.params.file: "${join(scratch, 'empty.txt')}" is empty` },
    { name: 'a directory', spec: { type: 'text', params: { file: '.' } }, error: `dataset.params.file: "${scratch}" is not a file` },
    { name: 'text shorter than one example', spec: { type: 'text', params: { file: 'short.txt', steps: 8 } }, error: /^dataset\.params\.steps: ".*short\.txt" has 3 characters; one example needs steps \+ 1 = 9$/ },
  ];
  for (const { name, spec, error } of cases) {
    test(name, () => {
      const message = loadError(spec);
      if (typeof error === 'string') assert.equal(message, error);
      else assert.match(message, error);
    });
  }

  test('invalid UTF-8 is refused with the path', () => {
    writeFileSync(join(scratch, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    assert.equal(loadError({ type: 'text', params: { file: 'latin1.txt' } }), `dataset.params.file: "${join(scratch, 'latin1.txt')}" is not valid UTF-8 text`);
  });

  test('errors use the path of the spec in its document', () => {
    const result = parseDatasetSpec({ type: 'weather-food', params: { steps: 1 } }, 'training.dataset');
    assert.deepEqual(result, { ok: false, error: 'training.dataset.params.steps: must be ≥ 2' });
  });
});

describe('generated data is finite', () => {
  const dense = (perStep: boolean, features: number, values: number[]) => ({ kind: 'dense' as const, perStep, features, data: Float32Array.from(values) });
  const tokens = { kind: 'tokens' as const, perStep: true, vocabulary: 3, data: Int32Array.of(0, 1, 2, 0) };

  test('names the stream, example, step and feature of the first value that is not', () => {
    // x: 2 examples × 2 steps × 2 features; the bad value is example 1, step 0, feature 1.
    assert.equal(nonFiniteValue({ steps: 2, x: dense(true, 2, [0, 0, 0, 0, 0, Infinity, 0, 0]), y: tokens }), "stream 'x' example 1 step 0 feature 1 is Infinity, not a finite number");
    assert.equal(nonFiniteValue({ steps: 2, x: tokens, y: dense(false, 1, [0.5, Number.NaN]) }), "stream 'y' example 1 feature 0 is NaN, not a finite number");
  });

  test('says nothing of finite data', () => {
    assert.equal(nonFiniteValue({ steps: 2, x: dense(true, 1, [3.4e38, -3.4e38, 0, 1]), y: tokens }), undefined);
  });
});
