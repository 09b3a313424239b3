import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGraph, type WeightInfo } from '../../../engine/compiler/compile.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../../../engine/graph/schema.ts';
import { saveFileAtomic, saveFileAtomicAsync } from '../../../engine/model/atomic.ts';
import {
  ModelWriteError,
  base64ToFloat32,
  checkWeightsAgainst,
  float32ToBase64,
  formatFloat32,
  readModel,
  readModelText,
  type TrainingRecord,
  type WeightEncoding,
  weightsToMap,
  writeModel,
} from '../../../engine/model/file.ts';
import { initWeights } from '../../../engine/model/init.ts';

/** input → [blocks…] → output, wired in a chain through ports 'out' → 'in'. */
function chain(name: string, blocks: readonly (readonly [id: string, type: string, params: Record<string, unknown>])[]): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name,
    nodes: blocks.map(([id, type, params], i) => ({ id, type, params, position: { x: 200 * i, y: 40 } })),
    edges: blocks.slice(1).map(([id], i) => ({ id: `e${i + 1}`, source: blocks[i][0], sourcePort: 'out', target: id, targetPort: 'in' })),
  };
}

const recurrent = chain('recurrent', [
  ['x', 'input', { size: 2 }],
  ['lstm', 'lstm', { units: 3 }],
  ['gru', 'gru', { units: 2, resetAfter: true, returnSequences: false }],
  ['d', 'dense', { units: 1 }],
  ['y', 'output', { loss: 'meanSquaredError' }],
]);
const small = chain('small', [
  ['x', 'input', { size: 2 }],
  ['d', 'dense', { units: 2 }],
  ['y', 'output', {}],
]);

const weightInfoOf = (doc: GraphDocument): readonly WeightInfo[] => compileGraph(doc, { steps: 2, batch: 1 }).weights;

const training: TrainingRecord = {
  epochs: 3,
  steps: 96,
  finalLoss: 0.0123,
  dataset: { type: 'adding', params: { length: 20 } },
  seed: 7,
  savedAt: '2025-01-02T03:04:05.678Z',
};

/** Values at the edges of float32: tiny subnormals, the largest finite, −0, and decimals with no exact binary form. */
const SPECIAL = [1e-38, -0, 3.4e38, 0.1, -3.4028234663852886e38, 2 ** -149, 1.1754943508222875e-38, 1 / 3, 16777217, -1e-45, 0, 123456.789].map(Math.fround);

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function read(text: string) {
  const result = readModelText(text);
  if (!result.ok) assert.fail(`expected the model to read, got:\n${result.errors.map((e) => e.message).join('\n')}`);
  return result.model;
}

describe('model file round trip', () => {
  const weightInfo = weightInfoOf(recurrent);
  const weights = initWeights(weightInfo, 5);
  weights.get('lstm.kernel')!.set(SPECIAL);
  weights.get('gru.bias')!.set([0.5, -0.25, 1e-7, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(Math.fround));

  for (const encoding of ['json', 'base64'] as const satisfies readonly WeightEncoding[]) {
    it(`gives back every float32 bit for bit (${encoding})`, () => {
      const text = writeModel({ graph: recurrent, weights, weightInfo, training, encoding });
      const model = read(text);
      const back = weightsToMap(model);
      assert.deepEqual([...back.keys()], weightInfo.map((w) => w.param), 'weights are written in the compiled order');
      for (const w of weightInfo) assert.deepEqual(bits(back.get(w.param)!), bits(weights.get(w.param)!), w.param);
      assert.ok(Object.is(back.get('lstm.kernel')![1], -0), '−0 keeps its sign');
      assert.deepEqual(model.weights.gru.bias.shape, [2, 6], 'GRU resetAfter keeps its [2, 3H] bias');
      assert.deepEqual(model.graph, recurrent);
      assert.deepEqual(model.training, training);
      assert.deepEqual(checkWeightsAgainst(weightInfo, back), []);
      // Canonical: writing what was read gives the same text.
      assert.equal(writeModel({ graph: model.graph, weights: back, weightInfo, training: model.training, encoding }), text);
      assert.ok(text.endsWith('}\n') && text.startsWith('{\n  "format": "rnn-studio.model",\n  "version": 1,\n'));
    });
  }

  it("writes decimals short and one row of a matrix per line ('json')", () => {
    const text = writeModel({ graph: recurrent, weights, weightInfo, encoding: 'json' });
    const kernel = /"lstm": \{\n {6}"kernel": \{\n {8}"shape": \[2, 12\],\n {8}"data": \[\n(.*)\n(.*)\n {8}\]/.exec(text);
    assert.ok(kernel, 'the [2, 12] kernel is written as two rows');
    assert.equal(kernel[1].trim().split(', ').length, 12);
    assert.match(kernel[1], /^ {10}1e-38, -0, 3\.4e\+38, 0\.1, -3\.4028235e\+38, 1e-45, 1\.1754944e-38, 0\.33333334, 16777216, -1e-45, 0, 123456\.79,$/);
    assert.match(text, /"bias": \{\n {8}"shape": \[12\],\n {8}"data": \[0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0\]\n/, 'a vector on one line (LSTM forget bias at 1)');
  });

  it('prints the shortest decimal that reads back to the same float32, for any bit pattern', () => {
    let state = 12345;
    const next = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (t ^ (t >>> 14)) >>> 0;
    };
    const patterns = new Uint32Array(20_000).map(next);
    const values = new Float32Array(patterns.buffer).filter(Number.isFinite);
    assert.ok(values.length > 19_000);
    for (const v of values) {
      const text = formatFloat32(v);
      assert.ok(Object.is(Math.fround(JSON.parse(text)), v), `${v} printed as ${text}`);
      const digits = text.replace(/^-|e.*$|\./g, '').replace(/^0+|0+$/g, '');
      assert.ok(digits.length <= 9, `${text} has at most 9 significant digits`);
    }
    assert.equal(formatFloat32(Math.fround(0.1)), '0.1');
    assert.equal(formatFloat32(Math.fround(1 / 3)), '0.33333334');
    assert.equal(formatFloat32(-0), '-0');
  });

  it('stores float32 little-endian whatever the machine (1.0 is AACAPw==)', () => {
    assert.equal(float32ToBase64(new Float32Array([1])), 'AACAPw==');
    assert.equal(float32ToBase64(new Float32Array([1, -2])), 'AACAPwAAAMA=');
    assert.deepEqual(Array.from(base64ToFloat32('AACAPwAAAMA=')), [1, -2]);
    assert.equal(float32ToBase64(new Float32Array([])), '');
    const one = chain('one', [
      ['x', 'input', { size: 1 }],
      ['d', 'dense', { units: 1, useBias: false }],
      ['y', 'output', {}],
    ]);
    const text = writeModel({ graph: one, weights: new Map([['d.kernel', new Float32Array([1])]]), weightInfo: weightInfoOf(one), encoding: 'base64' });
    assert.match(text, /"d": \{\n {6}"kernel": \{\n {8}"shape": \[1, 1\],\n {8}"base64": "AACAPw=="\n/);
  });
});

describe('reading a bad model file names the problem', () => {
  const weightInfo = weightInfoOf(small);
  const good = (): Record<string, unknown> =>
    JSON.parse(writeModel({ graph: small, weights: initWeights(weightInfo, 1), weightInfo, training, encoding: 'json' })) as Record<string, unknown>;
  /** The file as loose JSON, to break at will. */
  type Loose = { [key: string]: Loose } & Loose[];

  const CASES: readonly { name: string; edit: (m: Loose) => unknown; path: string; message: RegExp }[] = [
    { name: 'not an object', edit: () => [1, 2], path: '', message: /^model: a model file is a JSON object$/ },
    { name: 'a graph document', edit: (m) => m.graph, path: 'format', message: /^format: expected "rnn-studio\.model", got "rnn-studio\.graph" \(this is a graph document/ },
    { name: 'wrong format', edit: (m) => ({ ...m, format: 'keras' }), path: 'format', message: /expected "rnn-studio\.model", got "keras"/ },
    { name: 'newer version', edit: (m) => ({ ...m, version: 2 }), path: 'version', message: /^version: this file is version 2, written by a newer RNN Studio; this one reads up to version 1$/ },
    { name: 'version not an integer', edit: (m) => ({ ...m, version: '1' }), path: 'version', message: /expected a positive integer, got "1"/ },
    { name: 'no graph', edit: (m) => ({ ...m, graph: undefined }), path: 'graph', message: /^graph: required/ },
    { name: 'graph not an object', edit: (m) => ({ ...m, graph: 'small.rnn.json' }), path: 'graph', message: /^graph: a graph document is a JSON object$/ },
    {
      name: 'an error inside the graph',
      edit: (m) => ((m.graph.nodes[1].position.x = 'left' as unknown as Loose), m),
      path: 'graph.nodes[1].position.x',
      message: /^graph\.nodes\[1\]\.position\.x \(node 'd'\): .*expected number/,
    },
    { name: 'a graph of the wrong format', edit: (m) => ((m.graph.format = 'x' as unknown as Loose), m), path: 'graph.format', message: /^graph\.format: expected "rnn-studio\.graph", got "x"$/ },
    { name: 'data length mismatch', edit: (m) => (m.weights.d.kernel.data.pop(), m), path: 'weights.d.kernel.data', message: /^weights\.d\.kernel\.data: expected 4 values for shape \[2, 2\], got 3$/ },
    {
      name: 'NaN (JSON writes it as null)',
      edit: (m) => ((m.weights.d.bias.data[1] = null as unknown as Loose), m),
      path: 'weights.d.bias.data[1]',
      message: /^weights\.d\.bias\.data\[1\]: null is not a number \(JSON has no NaN or Infinity/,
    },
    {
      name: 'several bad values',
      edit: (m) => ((m.weights.d.kernel.data = [1, null, null, 'x'] as unknown as Loose), m),
      path: 'weights.d.kernel.data[1]',
      message: /null is not a number .*\(and 2 more bad values\)$/,
    },
    { name: 'a value beyond float32', edit: (m) => ((m.weights.d.kernel.data[0] = 1e39 as unknown as Loose), m), path: 'weights.d.kernel.data[0]', message: /1e\+39 is outside the float32 range/ },
    { name: 'a string value', edit: (m) => ((m.weights.d.kernel.data[2] = '0.5' as unknown as Loose), m), path: 'weights.d.kernel.data[2]', message: /expected a number, got string "0\.5"/ },
    { name: 'bad base64', edit: (m) => ((m.weights.d.kernel = { shape: [2, 2], base64: 'AAAA!AAA' } as unknown as Loose), m), path: 'weights.d.kernel.base64', message: /character 5 is "!"/ },
    { name: 'base64 padding in the middle', edit: (m) => ((m.weights.d.bias = { shape: [2], base64: 'AA=AAAAAAAA=' } as unknown as Loose), m), path: 'weights.d.bias.base64', message: /"=" may only pad the end/ },
    {
      name: 'base64 of the wrong length',
      edit: (m) => ((m.weights.d.kernel = { shape: [2, 2], base64: 'AACAPw==' } as unknown as Loose), m),
      path: 'weights.d.kernel.base64',
      message: /^weights\.d\.kernel\.base64: decodes to 4 bytes; shape \[2, 2\] needs 16 \(4 float32 values × 4 bytes\)$/,
    },
    { name: 'base64 holding Infinity', edit: (m) => ((m.weights.d.bias = { shape: [2], base64: 'AACAfwAAAAA=' } as unknown as Loose), m), path: 'weights.d.bias.base64', message: /value 0 is Infinity/ },
    { name: 'a zero in the shape', edit: (m) => ((m.weights.d.kernel.shape[1] = 0 as unknown as Loose), m), path: 'weights.d.kernel.shape[1]', message: /expected a positive integer, got number 0/ },
    { name: 'a fractional shape', edit: (m) => ((m.weights.d.kernel.shape = [1.5] as unknown as Loose), m), path: 'weights.d.kernel.shape[0]', message: /expected a positive integer, got number 1\.5/ },
    { name: 'both data and base64', edit: (m) => ((m.weights.d.bias.base64 = 'AAAAAAAAAAA=' as unknown as Loose), m), path: 'weights.d.bias', message: /has both "data" and "base64"/ },
    { name: 'neither data nor base64', edit: (m) => ((m.weights.d.bias = { shape: [2] } as unknown as Loose), m), path: 'weights.d.bias', message: /needs "data"/ },
    { name: 'an unknown key in a weight', edit: (m) => ((m.weights.d.bias.dtype = 'float16' as unknown as Loose), m), path: 'weights.d.bias.dtype', message: /unknown key/ },
    { name: 'a weight that is not an object', edit: (m) => ((m.weights.d.bias = [0, 0] as unknown as Loose), m), path: 'weights.d.bias', message: /expected \{ "shape": \[\.\.\.\], "data": \[\.\.\.\] \}/ },
    {
      name: 'a weight for a node the graph lacks',
      edit: (m) => ((m.weights.ghost = { kernel: { shape: [1], data: [0] } } as unknown as Loose), m),
      path: 'weights.ghost',
      message: /^weights\.ghost: the graph has no node 'ghost'/,
    },
    { name: 'an unknown top-level key', edit: (m) => ({ ...m, optimizerState: {} }), path: '', message: /^model: unknown key "optimizerState" \(a model file has format, version, graph, training, weights\)$/ },
    { name: 'a bad training date', edit: (m) => ((m.training.savedAt = 'yesterday' as unknown as Loose), m), path: 'training.savedAt', message: /^training\.savedAt: / },
    { name: 'a negative epoch count', edit: (m) => ((m.training.epochs = -1 as unknown as Loose), m), path: 'training.epochs', message: /^training\.epochs: / },
    {
      name: 'a vocabulary with a token twice',
      edit: (m) => ((m.training.vocabulary = ['a', 'b', 'a'] as unknown as Loose), m),
      path: 'training.vocabulary',
      message: /^training\.vocabulary: token "a" appears twice \(ids 0 and 2\)/,
    },
    {
      name: 'a normalisation range that is empty',
      edit: (m) => ((m.training.normalisation = { min: 2, max: 2 } as unknown as Loose), m),
      path: 'training.normalisation',
      message: /^training\.normalisation: min 2 must be less than max 2/,
    },
    {
      name: 'a normalisation range too wide for a number',
      edit: (m) => ((m.training.normalisation = { min: -1e308, max: 1e308 } as unknown as Loose), m),
      path: 'training.normalisation',
      message: /^training\.normalisation: max − min is not a finite number/,
    },
  ];

  for (const c of CASES) {
    it(c.name, () => {
      const result = readModel(c.edit(good() as Loose));
      assert.ok(!result.ok, 'expected the file to be refused');
      const found = result.errors.find((e) => e.path === c.path && c.message.test(e.message));
      assert.ok(found, `expected an error at '${c.path}' matching ${c.message}, got:\n${result.errors.map((e) => `  [${e.path}] ${e.message}`).join('\n')}`);
      for (const e of result.errors) assert.ok(e.message.startsWith(`${e.path || 'model'}`), `'${e.message}' starts with its path`);
    });
  }

  it('names the line and column of a JSON syntax error', () => {
    const result = readModelText('{\n  "format": "rnn-studio.model"\n  "version": 1\n}');
    assert.ok(!result.ok);
    assert.match(result.errors[0].message, /^model: not valid JSON: .*line 3, column 3$/);
  });

  it('reads the good file it started from', () => {
    assert.ok(readModel(good()).ok);
  });
});

describe('checkWeightsAgainst: loading weights into a recompiled graph', () => {
  const weightInfo = weightInfoOf(small);
  const file = (): Record<string, Record<string, Record<string, { shape: number[]; data?: number[] }>>> =>
    JSON.parse(writeModel({ graph: small, weights: initWeights(weightInfo, 1), weightInfo, encoding: 'json' })) as ReturnType<typeof file>;
  const problemsOf = (json: unknown, against = weightInfo) => {
    const result = readModel(json);
    if (!result.ok) assert.fail(result.errors.map((e) => e.message).join('\n'));
    return checkWeightsAgainst(against, weightsToMap(result.model));
  };

  it('fits the graph it was written from', () => {
    assert.deepEqual(problemsOf(file()), []);
  });

  it('reports a missing weight with the shape the graph needs', () => {
    const m = file();
    delete m.weights.d.bias;
    assert.deepEqual(problemsOf(m), ['weights.d.bias: missing; the graph needs a float32 [2] (2 values)']);
  });

  it('reports weights the graph does not use', () => {
    const m = file();
    m.weights.d.gamma = { shape: [2], data: [1, 1] };
    m.weights.x = { kernel: { shape: [1], data: [0] } };
    assert.deepEqual(problemsOf(m), [
      "weights.d.gamma: the graph does not use this weight (node 'd' has kernel, bias)",
      "weights.x.kernel: the graph does not use this weight (node 'x' has no weights in this graph)",
    ]);
  });

  it('reports a shape mismatch even when the value counts agree', () => {
    const m = file();
    m.weights.d.kernel.shape = [1, 4];
    const expected = 'weights.d.kernel: shape mismatch: the graph expects [2, 2] (4 values), the model has [1, 4] (4 values)';
    assert.deepEqual(problemsOf(m), [expected]);
    // A plain map of flat arrays carries no shapes: only counts can be compared.
    const result = readModel(m);
    assert.ok(result.ok);
    assert.deepEqual(checkWeightsAgainst(weightInfo, new Map(weightsToMap(result.model))), []);
  });

  it('refuses a GRU trained with resetAfter for a graph without it', () => {
    const withReset = chain('gru', [
      ['x', 'input', { size: 2 }],
      ['gru', 'gru', { units: 2, resetAfter: true }],
      ['y', 'output', {}],
    ]);
    const info = weightInfoOf(withReset);
    const text = writeModel({ graph: withReset, weights: initWeights(info, 3), weightInfo: info, encoding: 'base64' });
    const withoutReset = structuredClone(withReset);
    withoutReset.nodes[1].params.resetAfter = false;
    assert.deepEqual(problemsOf(JSON.parse(text), weightInfoOf(withoutReset)), [
      'weights.gru.bias: shape mismatch: the graph expects [6] (6 values), the model has [2, 6] (12 values)',
    ]);
  });
});

describe('writeModel refuses what it could not read back', () => {
  const weightInfo = weightInfoOf(small);

  it('refuses weights that are not finite', () => {
    const weights = initWeights(weightInfo, 1);
    weights.get('d.kernel')![3] = Number.NaN;
    assert.throws(() => writeModel({ graph: small, weights, weightInfo, encoding: 'base64' }), (e: unknown) => {
      assert.ok(e instanceof ModelWriteError);
      assert.deepEqual(e.problems, ['weights.d.kernel: value 3 is NaN (did training diverge?)']);
      return true;
    });
  });

  it('refuses missing and mis-sized weights', () => {
    const weights = new Map([['d.kernel', new Float32Array(3)]]);
    assert.throws(
      () => writeModel({ graph: small, weights, weightInfo, encoding: 'json' }),
      /weights\.d\.kernel: shape mismatch: the graph expects \[2, 2\] \(4 values\), the model has 3 values; weights\.d\.bias: missing/,
    );
  });

  it('writes a loss that is not finite as null', () => {
    const text = writeModel({ graph: small, weights: initWeights(weightInfo, 1), weightInfo, training: { ...training, finalLoss: Number.NaN }, encoding: 'json' });
    assert.equal(read(text).training?.finalLoss, null);
  });
});

describe('saveFileAtomic', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'rnn-studio-atomic-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  let n = 0;
  const folder = () => {
    const dir = join(scratch, `case${n++}`);
    mkdirSync(dir);
    return dir;
  };
  const posix = process.platform !== 'win32';

  for (const [name, save] of [
    ['sync', async (path: string, text: string) => saveFileAtomic(path, text)],
    ['async', saveFileAtomicAsync],
  ] as const) {
    it(`creates and replaces a file, leaving no temporary files (${name})`, async () => {
      const dir = folder();
      const path = join(dir, 'adding.rnn-model.json');
      await save(path, 'first\n');
      assert.equal(readFileSync(path, 'utf8'), 'first\n');
      await save(path, '第二 second\n');
      assert.equal(readFileSync(path, 'utf8'), '第二 second\n');
      assert.deepEqual(readdirSync(dir), ['adding.rnn-model.json']);
    });

    it(`leaves what is there when the rename fails, and cleans up (${name})`, async () => {
      const dir = folder();
      const path = join(dir, 'taken');
      mkdirSync(path);
      writeFileSync(join(path, 'inside.txt'), 'keep');
      await assert.rejects(save(path, 'new text'), /could not save .*taken: .*\(the file on disk was left as it was\)/);
      assert.equal(readFileSync(join(path, 'inside.txt'), 'utf8'), 'keep');
      assert.deepEqual(readdirSync(dir), ['taken']);
    });

    it(`fails without creating anything when the folder does not exist (${name})`, async () => {
      const dir = folder();
      await assert.rejects(save(join(dir, 'missing', 'm.json'), 'x'), /could not save/);
      assert.deepEqual(readdirSync(dir), []);
    });

    it(`refuses to save through a symbolic link, and keeps the file's permissions (${name})`, { skip: !posix && 'POSIX links and modes' }, async () => {
      const dir = folder();
      const real = join(dir, 'real.json');
      writeFileSync(real, 'old');
      chmodSync(real, 0o640);
      const link = join(dir, 'link.json');
      symlinkSync(real, link);
      await assert.rejects(save(link, 'new'), /link\.json is a symbolic link; files are saved only where they are, never through a link/);
      assert.ok(lstatSync(link).isSymbolicLink());
      assert.equal(readFileSync(real, 'utf8'), 'old');
      await save(real, 'new');
      assert.equal(readFileSync(real, 'utf8'), 'new');
      assert.equal(statSync(real).mode & 0o777, 0o640);
      assert.deepEqual(readdirSync(dir).sort(), ['link.json', 'real.json']);
    });
  }

  it('keeps the old file when the disk fills up in the middle of writing', { skip: process.platform === 'win32' && 'needs ulimit' }, () => {
    const dir = folder();
    const path = join(dir, 'model.json');
    writeFileSync(path, 'the old model\n');
    // A child process whose files may not grow past ~64 KiB writes 4 MiB: the write fails part way (EFBIG).
    const atomic = fileURLToPath(new URL('../../../engine/model/atomic.ts', import.meta.url));
    const code = `const { saveFileAtomic } = await import(${JSON.stringify(atomic)});
      try { saveFileAtomic(${JSON.stringify(path)}, 'x'.repeat(4 << 20)); } catch (e) { console.log(e.message); process.exitCode = 3; }`;
    const child = spawnSync('sh', ['-c', 'ulimit -f 128 && exec "$@"', 'sh', process.execPath, '--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
    assert.equal(child.status, 3, `the save should fail in the child: ${child.stdout}${child.stderr}`);
    assert.match(child.stdout, /could not save .*model\.json: EFBIG/);
    assert.equal(readFileSync(path, 'utf8'), 'the old model\n');
    assert.deepEqual(readdirSync(dir), ['model.json']);
  });
});
