/**
 * The CLI as a user runs it: a real child process, its exit code, stdout and stderr.
 * 0 success · 1 user error (one line per problem, naming the file and node, no stack) · 2 bad usage.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { readModelText, weightsToMap, writeModel } from '../../../engine/model/file.ts';
import { graph } from '../../helpers/graphs.ts';

const dir = mkdtempSync(join(tmpdir(), 'rnn-cli-'));
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/rnn-studio.js', ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const template = (name: string) => JSON.parse(readFileSync(`templates/${name}`, 'utf8')) as Record<string, unknown>;
const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at /, 'no stack trace');

describe('rnn-studio CLI', () => {
  it('validate: a template is valid (exit 0)', () => {
    const r = run('validate', 'templates/adding-lstm.rnn.json');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /valid — 4 blocks, 3 connections/);
  });

  it('malformed JSON: exit 1, one line naming the file, line and column', () => {
    const path = file('broken.rnn.json', '{\n  "format": "rnn-studio.graph",\n  "version": 1,\n  "nodes": [,]\n}\n');
    const r = run('validate', path);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^rnn-studio: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON: expected a value at "," at line 4, column 13`));
    noStack(r.stderr);
  });

  it('a newer version: exit 1, one line', () => {
    const r = run('validate', file('newer.rnn.json', JSON.stringify({ ...template('adding-lstm.rnn.json'), version: 7 })));
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /version: this file is version 7, written by a newer RNN Studio/);
  });

  it('a graph with a mistake: exit 1, the diagnostic names the file, node and port', () => {
    const g = template('adding-lstm.rnn.json') as { nodes: { id: string; params: Record<string, unknown> }[] };
    g.nodes.find((n) => n.id === 'seq')!.params.size = 3;
    const r = run('validate', file('mismatch.rnn.json', JSON.stringify(g)));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /mismatch\.rnn\.json: error size-mismatch at node 'seq' port 'out': .*expected 2, got 3/);
    noStack(r.stderr);
  });

  it('a missing file: exit 1', () => {
    const r = run('train', join(dir, 'nope.rnn.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nope\.rnn\.json: no such file/);
  });

  it('bad usage: exit 2 (unknown command, missing option, bad number)', () => {
    assert.equal(run('frobnicate').code, 2);
    assert.equal(run('compile', 'templates/adding-lstm.rnn.json').code, 2, 'missing --steps');
    assert.equal(run('compile', 'templates/adding-lstm.rnn.json', '--steps', 'ten').code, 2);
    assert.equal(run('train', 'templates/adding-lstm.rnn.json', '--executor', 'gpu').code, 2);
  });

  it('compile --json reports forward and backward node counts and writes the IR', () => {
    const out = join(dir, 'adding.ir.json');
    const r = run('compile', 'templates/adding-lstm.rnn.json', '--steps', '5', '--batch', '2', '--json', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.steps, 5);
    assert.ok(summary.trainNodes.backward > summary.trainNodes.forward);
    const ir = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(ir.format, 'rnn-studio.ir');
    const steps = new Set(ir.train.nodes.filter((n: { block: string }) => n.block === 'lstm').map((n: { t: number | null }) => n.t));
    assert.deepEqual([...steps].filter((t) => t !== null).sort(), [0, 1, 2, 3, 4]);
  });

  it('train → predict → sample round trip through a model file', () => {
    const model = join(dir, 'weather.rnn-model.json');
    const t = run('train', 'templates/weather-food-jordan.rnn.json', '--epochs', '40', '--out', model, '--json');
    assert.equal(t.code, 0, t.stderr);
    const events = t.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(events[0].type, 'start');
    assert.equal(events.at(-2).type, 'end');
    assert.deepEqual(events.at(-1), { type: 'saved', path: model });
    assert.ok(existsSync(model));
    // Sunny (same dish), rainy (next dish): start with a burger the day before.
    const [S, R] = [[1, 0], [0, 1]];
    const day0 = [...R, 0, 1, 0];
    const input = file('week.json', JSON.stringify({ weather: [[day0, [...S, 0, 0, 0], [...R, 0, 0, 0], [...R, 0, 0, 0]]] }));
    const p = run('predict', model, '--input', input, '--json');
    assert.equal(p.code, 0, p.stderr);
    const { outputs } = JSON.parse(p.stdout);
    const probs: number[] = outputs.dish.data;
    const dishes = [0, 1, 2, 3].map((t) => [0, 1, 2].reduce((best, k) => (probs[t * 3 + k] > probs[t * 3 + best] ? k : best), 0));
    assert.deepEqual(dishes, [2, 2, 0, 1], 'burger → rain: chicken, sun: chicken, rain: apple pie, rain: burger');

    const bad = run('predict', model, '--input', file('bad.json', JSON.stringify({ weather: [[[1, 0, 0]]] })));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /input 'weather' example 0 step 0: has 3 features, expected 5/);

    const s = run('sample', model);
    assert.equal(s.code, 1);
    assert.match(s.stderr, /sampling needs a model whose input block reads tokens|no vocabulary/);
  });

  it('a diverging run exits 1 with a message, and the model is still a valid file', () => {
    const g = template('sine-elman.rnn.json') as { training: Record<string, unknown> };
    g.training = { ...g.training, optimizer: { type: 'sgd', learningRate: 10 }, epochs: 3 };
    const r = run('train', file('diverge.rnn.json', JSON.stringify(g)));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /last good step are kept\. Lower the learning rate or set clipNorm/);
    noStack(r.stderr);
  });
});

describe('rnn-studio sample: greedy, top-k and rejection', () => {
  // A model whose softmax after token a is exactly the row P[a]: embedding rows hold log P[a].
  const vocabulary = ['a', 'b', 'c', '\n', '<unk>'];
  const P = [
    [0.05, 0.4, 0.25, 0.2, 0.1],
    [0.3, 0.02, 0.08, 0.45, 0.15],
    [0.5, 0.2, 0.03, 0.12, 0.15],
    [0.1, 0.15, 0.35, 0.04, 0.36],
    [0.22, 0.18, 0.26, 0.3, 0.04],
  ];
  const g = graph({ x: ['input', { kind: 'tokens', size: 5 }], e: ['embedding', { dim: 5 }], o: ['output', { loss: 'softmaxCrossEntropy' }] }, ['x -> e', 'e -> o']);
  const model = file(
    'bigram.rnn-model.json',
    writeModel({
      graph: g,
      weights: new Map([['e.embeddings', Float32Array.from(P.flat(), Math.log)]]),
      weightInfo: compileGraph(g, { steps: 1, batch: 1 }).weights,
      encoding: 'json',
      training: { epochs: 0, steps: 0, finalLoss: null, vocabulary, seed: 1, savedAt: '2024-05-01T00:00:00Z' },
    }),
  );
  const text = (...args: string[]) => {
    const r = run('sample', model, '--json', ...args);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).text as string;
  };

  it('--greedy, --temperature 0 and --top-k 1 all follow the most probable successor', () => {
    // a → b (0.4) → \n (0.45) → <unk> (0.36) → \n …
    const expected = 'ab\n<unk>\n<unk>\n<unk>';
    assert.equal(text('--prime', 'a', '--length', '7', '--greedy'), expected);
    assert.equal(text('--prime', 'a', '--length', '7', '--temperature', '0', '--seed', '9'), expected);
    assert.equal(text('--prime', 'a', '--length', '7', '--top-k', '1', '--temperature', '2'), expected);
  });

  it('--reject (repeatable, with \\n for a newline) never generates those tokens', () => {
    const out = text('--prime', 'a', '--length', '400', '--reject', '<unk>', '--reject', '\\n', '--seed', '3');
    assert.equal([...out].length, 401);
    assert.match(out, /^[abc]+$/);
    const greedy = text('--prime', 'a', '--length', '6', '--greedy', '--reject', '<unk>');
    assert.equal(greedy, 'ab\ncab\n', 'after \\n the most probable token left is c (0.35), then a, b, \\n');
  });

  const bad: [string, string[], number, RegExp][] = [
    ['a negative top-k', ['--top-k', '-1'], 2, /option '--top-k <K>' argument '-1' is invalid\. expected an integer ≥ 0/],
    ['a fractional top-k', ['--top-k', '2.5'], 2, /expected an integer ≥ 0, got '2\.5'/],
    ['a negative temperature', ['--temperature', '-0.5'], 2, /expected a number ≥ 0, got '-0\.5'/],
    ['--greedy with --temperature', ['--greedy', '--temperature', '0.5'], 2, /option '--greedy' cannot be used with option '--temperature <X>'/],
    ['--greedy with --top-k', ['--greedy', '--top-k', '3'], 2, /option '--greedy' cannot be used with option '--top-k <K>'/],
    ['--reject without a token', ['--reject'], 2, /option '--reject <token>' argument missing/],
    ['rejecting a token outside the vocabulary', ['--reject', '<eos>'], 1, /bigram\.rnn-model\.json: cannot reject "<eos>": it is not in the model's vocabulary of 5 tokens/],
    ['rejecting every token', ['--reject', 'a', '--reject', 'b', '--reject', 'c', '--reject', '\\n', '--reject', '<unk>'], 1, /leaves no token of the vocabulary to generate/],
  ];
  for (const [what, args, code, message] of bad)
    it(`${what}: exit ${code}`, () => {
      const r = run('sample', model, ...args);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
      noStack(r.stderr);
    });
});

describe('rnn-studio forecast', () => {
  const model = join(dir, 'sine.rnn-model.json');
  const history = Array.from({ length: 24 }, (_, t) => Math.sin((2 * Math.PI * t) / 25 + 0.4));
  const json = file('history.json', JSON.stringify(history));
  const csv = file('history.csv', `value\n${history.join('\n')}\n\n`);
  const forecastJson = (m: string, ...args: string[]) => {
    const r = run('forecast', m, '--history', json, '--steps', '12', '--json', ...args);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { values: number[]; window: number; normalisation: { min: number; max: number } | null; normalisationFrom: string };
  };

  it('train the sine template briefly', () => {
    const t = run('train', 'templates/sine-elman.rnn.json', '--epochs', '3', '--out', model);
    assert.equal(t.code, 0, t.stderr);
  });

  it('slides the window over its own predictions, as a float64 run of the saved weights does', () => {
    const parsed = readModelText(readFileSync(model, 'utf8'));
    assert.ok(parsed.ok);
    const stored = parsed.model.training!.normalisation!;
    const w = weightsToMap(parsed.model);
    const [K, U, b, D, d] = ['rnn.kernel', 'rnn.recurrentKernel', 'rnn.bias', 'next.kernel', 'next.bias'].map((k) => Array.from(w.get(k)!));
    const H = b.length;
    const net = (window: readonly number[]) => {
      let h = new Array<number>(H).fill(0);
      for (const x of window) h = h.map((_, j) => Math.tanh(x * K[j] + h.reduce((acc, hi, i) => acc + hi * U[i * H + j], 0) + b[j]));
      return h.reduce((acc, hj, j) => acc + hj * D[j], d[0]);
    };
    const v = history.map((x) => ((x - stored.min) * 2) / (stored.max - stored.min) - 1);
    for (let k = 0; k < 12; k++) v.push(net(v.slice(-20)));
    const expected = v.slice(history.length).map((y) => stored.min + ((y + 1) / 2) * (stored.max - stored.min));

    const f = forecastJson(model);
    assert.equal(f.window, 20, 'the window of the sine dataset');
    assert.deepEqual(f.normalisation, stored);
    assert.equal(f.normalisationFrom, 'model');
    const diff = Math.max(...f.values.map((x, i) => Math.abs(x - expected[i])));
    assert.ok(diff < 1e-5, `max |forecast − float64| = ${diff}`);
  });

  it('a model file without the normalisation gets it from its regenerated dataset: the same forecast', () => {
    const m = JSON.parse(readFileSync(model, 'utf8'));
    delete m.training.normalisation;
    const f = forecastJson(file('no-norm.rnn-model.json', JSON.stringify(m)));
    assert.equal(f.normalisationFrom, 'dataset');
    assert.deepEqual(f, { ...forecastJson(model), normalisationFrom: 'dataset' });
  });

  it('a CSV history (with a header line) gives the forecast a JSON one does; text output is one value per line', () => {
    const r = run('forecast', model, '--history', csv, '--steps', '12');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map(Number);
    assert.equal(lines.length, 12);
    forecastJson(model).values.forEach((v, i) => assert.ok(Math.abs(lines[i] - v) < 1e-6 * Math.max(1, Math.abs(v)), `line ${i}`));
    assert.match(r.stderr, /forecasting 12 values from the last 20 of 24; min–max normalisation .* \(recorded in the model file\)/);
  });

  const bad: [string, () => string[], number, RegExp][] = [
    ['no --steps', () => ['forecast', model, '--history', json], 2, /required option '--steps <N>' not specified/],
    ['--steps 0', () => ['forecast', model, '--history', json, '--steps', '0'], 2, /expected an integer ≥ 1, got '0'/],
    ['a history line that is not a number', () => ['forecast', model, '--history', file('bad.csv', '0.1\n0.2\nabc\n'), '--steps', '3'], 1, /bad\.csv line 3: "abc" is not a finite number/],
    ['two values on a line', () => ['forecast', model, '--history', file('two.csv', '0.1,0.2\n'), '--steps', '3'], 1, /two\.csv line 1: expected one value per line/],
    ['a JSON history that is not a list of numbers', () => ['forecast', model, '--history', file('obj.json', '{"x": [1]}'), '--steps', '3'], 1, /obj\.json: expected a JSON array of numbers/],
    ['a history shorter than the window', () => ['forecast', model, '--history', file('short.json', '[0.1, 0.2, 0.3]'), '--steps', '3'], 1, /short\.json: 3 values; the model reads 20 at a time \(the window it was trained on\), so give at least 20/],
    ['a missing history file', () => ['forecast', model, '--history', join(dir, 'none.csv'), '--steps', '3'], 1, /none\.csv: no such file/],
    ['a text model', () => ['forecast', join(dir, 'bigram.rnn-model.json'), '--history', json, '--steps', '3'], 1, /bigram\.rnn-model\.json: forecasting needs a dense input; input 'x' reads token ids/],
  ];
  for (const [what, args, code, message] of bad)
    it(`${what}: exit ${code}`, () => {
      const r = run(...args());
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, message);
      noStack(r.stderr);
    });
});
