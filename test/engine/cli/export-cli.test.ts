/**
 * `rnn-studio export` as a user meets it: a child process, its exit code, its one-line errors, and
 * the file it writes (or, on any error, does not write).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { ReferenceExecutor } from '../../../engine/executors/index.ts';
import { predict } from '../../../engine/inference/predict.ts';
import { writeModel } from '../../../engine/model/file.ts';
import { initWeights } from '../../../engine/model/init.ts';
import { loadTemplate } from '../../helpers/templates.ts';

const dir = mkdtempSync(join(tmpdir(), 'export-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/rnn-studio.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const { graph: doc } = loadTemplate('sine-elman.rnn.json');
const compiled = compileGraph(doc, { steps: 1, batch: 1 });
const weights = initWeights(compiled.weights, 3);
const model = join(dir, 'sine.rnn-model.json');
writeFileSync(
  model,
  writeModel({ graph: doc, weights, weightInfo: compiled.weights, encoding: 'base64', training: { epochs: 1, steps: 4, finalLoss: 0.1, seed: 3, savedAt: '2026-01-01T00:00:00Z', normalisation: { min: -1.5, max: 1.5 } } }),
);

const { graph: plainDoc } = loadTemplate('reverse-plain.rnn.json');
const plainCompiled = compileGraph(plainDoc, { steps: 1, batch: 1 });
const plain = join(dir, 'plain.rnn-model.json');
writeFileSync(plain, writeModel({ graph: plainDoc, weights: initWeights(plainCompiled.weights, 3), weightInfo: plainCompiled.weights, encoding: 'base64' }));

/** The folder holds only these names: no output and no temporary file was left behind. */
const onlyFiles = (folder: string, names: string[]) => assert.deepEqual(readdirSync(folder).sort(), names.sort());

describe('rnn-studio export --format onnx', () => {
  it('writes the model next to the model file by default, and it computes what predict prints', async () => {
    const r = cli('export', model, '--format', 'onnx', '--steps', '20', '--batch', '2', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = join(dir, 'sine.onnx');
    const line = JSON.parse(r.stdout) as { type: string; out: string; inputs: { name: string; shape: number[] }[] };
    assert.equal(line.type, 'exported');
    assert.equal(line.out, out);
    assert.deepEqual(line.inputs.map((v) => [v.name, v.shape]), [['window', [2, 20, 1]]]);

    const series = Array.from({ length: 2 }, (_, b) => Array.from({ length: 20 }, (_, t) => [Math.sin((t + 5 * b) / 3)]));
    const want = await predict(doc, weights, { window: series }, new ReferenceExecutor());
    const session = await ort.InferenceSession.create(readFileSync(out));
    const got = await session.run({ window: new ort.Tensor('float32', Float32Array.from(series.flat(2)), [2, 20, 1]) });
    await session.release();
    // The template's output block is 'loss': outputs are named by node id, as predict prints them.
    assert.deepEqual(Object.keys(got), ['loss']);
    assert.deepEqual([...got.loss.dims], want.outputs.loss.shape);
    (got.loss.data as Float32Array).forEach((v, i) => assert.ok(Math.abs(v - want.outputs.loss.data[i]) <= 1e-5, `element ${i}: ${v} vs ${want.outputs.loss.data[i]}`));
    rmSync(out);
  });

  const failures: [string, string[], number, RegExp][] = [
    ['a missing model', ['export', join(dir, 'nope.rnn-model.json'), '--format', 'onnx', '--steps', '3', '-o', join(dir, 'x.onnx')], 1, /^rnn-studio: .*nope\.rnn-model\.json: no such file$/],
    ['--dynamic for an encoder–decoder', ['export', plain, '--format', 'onnx', '--dynamic', '-o', join(dir, 'x.onnx')], 1, /^rnn-studio: --dynamic: 'decoder' starts its state from a value computed over a whole sequence.*--steps T instead$/],
    ['no --steps for a model that reads sequences', ['export', model, '--format', 'onnx', '-o', join(dir, 'x.onnx')], 2, /--steps T/],
    ['--steps and --dynamic together', ['export', model, '--format', 'onnx', '--steps', '3', '--dynamic', '-o', join(dir, 'x.onnx')], 2, /cannot be used with/],
    ['a format it does not write', ['export', model, '--format', 'keras', '--steps', '3', '-o', join(dir, 'x.onnx')], 2, /Allowed choices are onnx/],
    ['more steps than the budget', ['export', model, '--format', 'onnx', '--steps', '20000', '-o', join(dir, 'x.onnx')], 1, /^rnn-studio: the export has 20,000 steps, more than the limit of 10,000.*--max-steps/],
    ['a folder that does not exist', ['export', model, '--format', 'onnx', '--steps', '3', '-o', join(dir, 'missing', 'x.onnx')], 1, /^rnn-studio: could not save .*missing.*x\.onnx/],
  ];
  for (const [what, args, code, message] of failures) {
    it(`${what}: exit ${code}, one line, nothing written`, () => {
      const r = cli(...args);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr.trim().split('\n')[0], message);
      if (code === 1) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      onlyFiles(dir, ['sine.rnn-model.json', 'plain.rnn-model.json']);
    });
  }

  it('an output that is a folder: exit 1, the folder as it was, no temporary file left', () => {
    const folder = join(dir, 'taken.onnx');
    mkdirSync(folder);
    writeFileSync(join(folder, 'inside'), 'kept');
    const r = cli('export', model, '--format', 'onnx', '--steps', '3', '-o', folder);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^rnn-studio: could not save .*taken\.onnx: .*\(the file on disk was left as it was\)\n$/);
    onlyFiles(dir, ['sine.rnn-model.json', 'plain.rnn-model.json', 'taken.onnx']);
    onlyFiles(folder, ['inside']);
    rmSync(folder, { recursive: true });
  });

  it('an output that is a symbolic link is refused, and the file it points to is untouched', () => {
    const target = join(dir, 'elsewhere.onnx');
    const link = join(dir, 'link.onnx');
    writeFileSync(target, 'old bytes');
    symlinkSync(target, link);
    const r = cli('export', model, '--format', 'onnx', '--steps', '3', '-o', link);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^rnn-studio: .*link\.onnx is a symbolic link/);
    assert.equal(readFileSync(target, 'utf8'), 'old bytes');
    onlyFiles(dir, ['sine.rnn-model.json', 'plain.rnn-model.json', 'elsewhere.onnx', 'link.onnx']);
    rmSync(link);
    rmSync(target);
  });

  it('--dynamic: one file for sequences of any length', async () => {
    const out = join(dir, 'any.onnx');
    const r = cli('export', model, '--format', 'onnx', '--dynamic', '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /any\.onnx: ONNX model of Sine forecasting \(Elman network\), any number of steps, batch 1/);
    assert.match(r.stdout, /input {3}window float32\[1, time, 1\]/);
    const session = await ort.InferenceSession.create(readFileSync(out));
    for (const steps of [3, 30]) {
      const series = [Array.from({ length: steps }, (_, t) => [Math.cos(t / 4)])];
      const want = await predict(doc, weights, { window: series }, new ReferenceExecutor());
      const got = await session.run({ window: new ort.Tensor('float32', Float32Array.from(series.flat(2)), [1, steps, 1]) });
      assert.ok(Math.abs((got.loss.data as Float32Array)[0] - want.outputs.loss.data[0]) <= 1e-5, `T=${steps}: ${got.loss.data[0]} vs ${want.outputs.loss.data[0]}`);
    }
    await session.release();
    rmSync(out);
  });

  it('an existing output is replaced whole', () => {
    const out = join(dir, 'again.onnx');
    writeFileSync(out, 'old bytes');
    const r = cli('export', model, '--format', 'onnx', '--steps', '4', '-o', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /again\.onnx: ONNX model of Sine forecasting \(Elman network\), 4 steps, batch 1/);
    assert.match(r.stdout, /input {3}window float32\[1, 4, 1\] \(batch × time × features\)/);
    assert.ok(readFileSync(out).length > 1000);
    rmSync(out);
  });
});
