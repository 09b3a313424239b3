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
