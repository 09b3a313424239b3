/**
 * `rnn-studio import-weights` as a user runs it, in a temporary folder: a real child process,
 * its exit code, stdout and stderr, and the model file it writes, which `predict` then runs and
 * which must compute what PyTorch's equations compute (test/helpers/torch-reference.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { checkWeightsAgainst, type ModelFile, readModelText, weightsToMap, writeModel } from '../../../engine/model/file.ts';
import { initWeights } from '../../../engine/model/init.ts';
import { importTorchWeights, parseTorchStateDict } from '../../../engine/model/pytorch.ts';
import { mulberry32 } from '../../helpers/gradcheck.ts';
import { graph } from '../../helpers/graphs.ts';
import { torchForward } from '../../helpers/torch-reference.ts';
import { type DictCase, dyadic, torchDict } from './torch-dicts.ts';

const dir = mkdtempSync(join(tmpdir(), 'rnn-import-'));
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/rnn-studio.js', ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 1));
  return path;
};
const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at /, 'no stack trace');
const readModel = (path: string): ModelFile => {
  const read = readModelText(readFileSync(path, 'utf8'));
  if (!read.ok) assert.fail(read.errors.map((e) => e.message).join('\n'));
  return read.model;
};

const T = 4;
const B = 2;
const F = 3;
const H = 4;
const SEED = 7;
const LSTM: DictCase = { kind: 'LSTM', inputSize: F, hiddenSize: H, numLayers: 2, bidirectional: false, bias: true };

/** x → enc (a 2-layer LSTM) → d (dense) → o, trained with seed 7. */
const doc = (units = H) => ({
  ...graph({ x: ['input', { size: F }], enc: ['lstm', { units, layers: 2 }], d: ['dense', { units: 2 }], o: ['output'] }, ['x -> enc', 'enc -> d', 'd -> o'], 'imported'),
  training: { seed: SEED },
});
const compiled = compileGraph(doc(), { steps: 1, batch: 1 });
const graphPath = file('tagger.rnn.json', doc());
const dict = torchDict(LSTM, mulberry32(3), { prefix: 'encoder.' });
const dictPath = file('lstm.state.json', dict.json);

/** The node's values by weight name, as an import in this process gives them. */
function expectedEnc(json: unknown): Map<string, Float32Array> {
  const parsed = parseTorchStateDict(json);
  if (!parsed.ok) assert.fail(parsed.errors.join('\n'));
  const result = importTorchWeights(doc(), 'enc', parsed.dict, { prefix: 'encoder.' });
  if (!result.ok) assert.fail(result.errors.join('\n'));
  return result.weights;
}

const sameValues = (a: Float32Array | undefined, b: Float32Array | undefined, what: string) => {
  assert.ok(a && b, `${what} present`);
  assert.deepEqual(Array.from(a), Array.from(b), what);
};

describe('rnn-studio import-weights', () => {
  const out = join(dir, 'tagger.rnn-model.json');

  it('from a graph: the node gets the PyTorch weights, every other weight starts as training would (exit 0)', () => {
    const r = run('import-weights', graphPath, '--node', 'enc', '--state-dict', dictPath, '--prefix', 'encoder.', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /lstm\.state\.json: nn\.LSTM\(3, 4, num_layers=2\) at 'encoder\.' → node 'enc': 6 weights, 272 values/);
    assert.match(r.stderr, /model written to .*tagger\.rnn-model\.json \(the other weights drawn from seed 7\)/);
    const model = readModel(out);
    assert.equal(model.training, undefined, 'no training record: the weights did not come from a run');
    const weights = weightsToMap(model);
    assert.deepEqual(checkWeightsAgainst(compiled.weights, weights), []);
    for (const [param, values] of expectedEnc(dict.json)) sameValues(weights.get(param), values, param);
    const initial = initWeights(compiled.weights, SEED);
    for (const param of ['d.kernel', 'd.bias']) sameValues(weights.get(param), initial.get(param), param);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left behind');
  });

  it('predict on the imported model computes nn.LSTM followed by the dense layer', () => {
    const rng = mulberry32(11);
    const x = Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: F }, () => dyadic(rng) * 2)));
    const r = run('predict', out, '--input', file('input.json', { x }), '--executor', 'reference', '--json');
    assert.equal(r.code, 0, r.stderr);
    const prediction = JSON.parse(r.stdout) as { outputs: { o: { shape: number[]; data: number[] } } };
    assert.deepEqual(prediction.outputs.o.shape, [B, T, 2]);
    const timeMajor = Array.from({ length: T * B * F }, (_, i) => {
      const [t, b, f] = [Math.floor(i / (B * F)), Math.floor(i / F) % B, i % F];
      return x[b][t][f];
    });
    const torch = torchForward(LSTM, dict.params, timeMajor, T, B).output; // [T, B, H]
    const w = weightsToMap(readModel(out));
    const [kernel, bias] = [w.get('d.kernel')!, w.get('d.bias')!];
    let worst = 0;
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let j = 0; j < 2; j++) {
          let v = bias[j];
          for (let k = 0; k < H; k++) v += torch[(t * B + b) * H + k] * kernel[k * 2 + j];
          worst = Math.max(worst, Math.abs(v - prediction.outputs.o.data[(b * T + t) * 2 + j]));
        }
    assert.ok(worst < 1e-6, `max |predict − torch then dense| = ${worst}`);
  });

  it('--seed draws the other weights from another seed', () => {
    const other = join(dir, 'seed3.rnn-model.json');
    assert.equal(run('import-weights', graphPath, '--node', 'enc', '--state-dict', dictPath, '--seed', '3', '--out', other).code, 0);
    const weights = weightsToMap(readModel(other));
    sameValues(weights.get('d.kernel'), initWeights(compiled.weights, 3).get('d.kernel'), 'd.kernel from seed 3');
    for (const [param, values] of expectedEnc(dict.json)) sameValues(weights.get(param), values, `${param} (the prefix found on its own)`);
  });

  it('--model: only that node changes; the other weights and the training record stay (--json, --encoding json)', () => {
    const base = readModel(out);
    const training = { epochs: 3, steps: 30, finalLoss: 0.25, seed: SEED, vocabulary: ['a', 'b'], savedAt: '2025-03-14T09:26:53.000Z' };
    const modelPath = file('trained.rnn-model.json', writeModel({ graph: base.graph, weights: weightsToMap(base), weightInfo: compiled.weights, training, encoding: 'base64' }));
    const second = torchDict(LSTM, mulberry32(99), { prefix: 'encoder.' });
    const updated = join(dir, 'updated.rnn-model.json');
    const r = run('import-weights', '--model', modelPath, '--node', 'enc', '--state-dict', file('second.json', second.json), '--out', updated, '--encoding', 'json', '--json');
    assert.equal(r.code, 0, r.stderr);
    const line = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(line.type, 'imported');
    assert.equal(line.node, 'enc');
    assert.deepEqual(line.weights, ['kernel', 'recurrentKernel', 'bias', 'kernel_l1', 'recurrentKernel_l1', 'bias_l1']);
    assert.deepEqual(line.module, { prefix: 'encoder.', kind: 'LSTM', inputSize: F, hiddenSize: H, numLayers: 2, bidirectional: false, bias: true, description: 'nn.LSTM(3, 4, num_layers=2)' });
    const model = readModel(updated);
    assert.deepEqual(model.training, training);
    assert.ok('data' in model.weights.enc.kernel, '--encoding json writes numbers');
    const [before, after] = [weightsToMap(base), weightsToMap(model)];
    for (const param of ['d.kernel', 'd.bias']) sameValues(after.get(param), before.get(param), param);
    for (const [param, values] of expectedEnc(second.json)) sameValues(after.get(param), values, param);
    assert.ok(Math.abs(after.get('enc.kernel')![0] - before.get('enc.kernel')![0]) > 0, 'enc changed');
  });

  it('a state dict that does not fit the node: exit 1, one line per problem naming node and dict, nothing written', () => {
    const target = file('kept.rnn-model.json', 'the file that was here\n');
    const r = run('import-weights', file('wide.rnn.json', doc(8)), '--node', 'enc', '--state-dict', dictPath, '--out', target);
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^rnn-studio: .*lstm\.state\.json: node 'enc' has 8 units; the nn\.LSTM\(3, 4, num_layers=2\) at 'encoder\.' has hidden_size 4 \(weight_hh_l0 is \[16, 4\]\)$/);
    noStack(r.stderr);
    assert.equal(readFileSync(target, 'utf8'), 'the file that was here\n', 'the target is left as it was');
  });

  it('a damaged tensor, a missing tensor, a missing file: exit 1, naming the file and tensor', () => {
    const damaged = structuredClone(dict.json);
    damaged.tensors['encoder.weight_ih_l1'].data.pop();
    damaged.tensors['encoder.bias_hh_l0'].data[2] = null as unknown as number;
    let r = run('import-weights', graphPath, '--node', 'enc', '--state-dict', file('damaged.json', damaged), '--out', join(dir, 'never.rnn-model.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /damaged\.json: tensors\["encoder\.weight_ih_l1"\]\.data: expected 64 values for shape \[16, 4\], got 63\n/);
    assert.match(r.stderr, /damaged\.json: tensors\["encoder\.bias_hh_l0"\]\.data\[2\]: null is not a number/);
    const missing = structuredClone(dict.json);
    delete missing.tensors['encoder.weight_hh_l1'];
    r = run('import-weights', graphPath, '--node', 'enc', '--state-dict', file('missing.json', missing), '--out', join(dir, 'never.rnn-model.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /missing\.json: missing 'encoder\.weight_hh_l1' \(the recurrent weights of layer 1: \[16, 4\] for an LSTM with 4 units\)/);
    r = run('import-weights', graphPath, '--node', 'enc', '--state-dict', join(dir, 'nope.json'), '--out', join(dir, 'never.rnn-model.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nope\.json: no such file/);
    noStack(r.stderr);
    assert.equal(existsSync(join(dir, 'never.rnn-model.json')), false);
  });

  it('a graph with errors: exit 1, naming the graph file and node', () => {
    const broken = graph({ x: ['input', { size: F }], enc: ['lstm', { units: H }], o: ['output'] }, ['enc -> o']);
    const r = run('import-weights', file('broken.rnn.json', broken), '--node', 'enc', '--state-dict', dictPath, '--out', join(dir, 'never.rnn-model.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken\.rnn\.json: error .* at node 'enc'/);
    noStack(r.stderr);
  });

  it('bad usage: exit 2 (neither or both of a graph and --model, no --node, --seed with --model)', () => {
    const common = ['--state-dict', dictPath, '--out', join(dir, 'never.rnn-model.json')];
    assert.equal(run('import-weights', '--node', 'enc', ...common).code, 2, 'neither');
    const both = run('import-weights', graphPath, '--model', out, '--node', 'enc', ...common);
    assert.equal(both.code, 2, 'both');
    assert.match(both.stderr, /give either a graph file or --model, not both/);
    assert.equal(run('import-weights', graphPath, ...common).code, 2, 'no --node');
    assert.equal(run('import-weights', graphPath, '--node', 'enc', '--state-dict', dictPath).code, 2, 'no --out');
    assert.equal(run('import-weights', '--model', out, '--node', 'enc', '--seed', '2', ...common).code, 2, '--seed with --model');
    assert.equal(run('import-weights', graphPath, '--node', 'enc', '--encoding', 'hex', ...common).code, 2, 'unknown encoding');
    assert.equal(existsSync(join(dir, 'never.rnn-model.json')), false);
  });
});
