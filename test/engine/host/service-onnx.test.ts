/**
 * ONNX export through the engine service: after a short real run, `model.exportOnnx`'s bytes,
 * loaded by onnxruntime-node alone, compute what the service's `predict` returns for the same
 * inputs, for a fixed number of steps and for any; `model.onnxChoices` says which lengths a
 * model allows, and a model that cannot run one step at a time is refused naming its block.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { harness, trainTemplate } from './harness.ts';

const h = harness();
after(() => h.service.dispose());



/** A batch × time × 1 series, different in every example and step. */
const series = (batch: number, steps: number) => Array.from({ length: batch }, (_, b) => Array.from({ length: steps }, (_, t) => [Math.sin(0.4 * t + b) * 0.8]));

/** Runs the exported bytes on `input` (one float sequence input) and checks every output against the service's predict. */
async function agreesWithPredict(runId: string, base64: string, input: Record<string, number[][][]>): Promise<void> {
  const session = await ort.InferenceSession.create(Buffer.from(base64, 'base64'));
  const feeds = Object.fromEntries(
    Object.entries(input).map(([name, v]) => [name, new ort.Tensor('float32', Float32Array.from(v.flat(2)), [v.length, v[0].length, v[0][0].length])]),
  );
  const ran = await session.run(feeds);
  const { outputs } = await h.ok('predict', { runId, input });
  assert.deepEqual(Object.keys(ran).sort(), Object.keys(outputs).sort(), 'the same outputs');
  for (const [name, expected] of Object.entries(outputs)) {
    const got = ran[name];
    assert.deepEqual([...got.dims], expected.shape, `${name}: shape`);
    const data = got.data as Float32Array;
    expected.data.forEach((want, i) => assert.ok(Math.abs(data[i] - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${name}[${i}]: onnx ${data[i]}, predict ${want}`));
  }
}

describe('model.exportOnnx', () => {
  let sine = '';
  let attention = '';
  before(async () => {
    sine = await trainTemplate(h, 'sine-elman.rnn.json', (g) => {
      g.dataset.params.samples = 64;
      g.training.epochs = 1;
    });
    attention = await trainTemplate(h, 'reverse-attention.rnn.json', (g) => {
      g.dataset.params.samples = 32;
      g.dataset.params.length = 4;
      g.training.epochs = 1;
    });
  });

  it('a forward recurrent model: sequences, any length possible', async () => {
    assert.deepEqual(await h.ok('model.onnxChoices', { runId: sine }), { sequences: true, anyLength: { possible: true } });
  });

  it('a fixed number of steps: onnxruntime computes what predict returns', async () => {
    const r = await h.ok('model.exportOnnx', { runId: sine, steps: 7, batch: 3 });
    assert.equal(Buffer.from(r.base64, 'base64').length, r.bytes);
    assert.match(r.suggestedName, /\.onnx$/);
    assert.deepEqual(r.inputs.map((v) => v.shape), [[3, 7, 1]]);
    await agreesWithPredict(sine, r.base64, { window: series(3, 7) });
  });

  it('any number of steps: one file, two lengths, both equal to predict', async () => {
    const r = await h.ok('model.exportOnnx', { runId: sine, steps: 'any', batch: 2 });
    assert.deepEqual(r.inputs.map((v) => v.shape), [[2, -1, 1]]);
    await agreesWithPredict(sine, r.base64, { window: series(2, 5) });
    await agreesWithPredict(sine, r.base64, { window: series(2, 13) });
  });

  it('an encoder–decoder cannot run one step at a time: the choice says why, naming the block, and the export is refused', async () => {
    const choices = await h.ok('model.onnxChoices', { runId: attention });
    assert.equal(choices.sequences, true);
    assert.ok(!choices.anyLength.possible);
    assert.match(choices.anyLength.reason, /^'decoder' starts its state from a value computed over a whole sequence/);
    assert.doesNotMatch(choices.anyLength.reason, /--/, 'no command-line flag in the app');
    const refused = await h.fails('model.exportOnnx', { runId: attention, steps: 'any' });
    assert.equal(refused.code, 'bad-message');
    assert.match(refused.message, /cannot be exported for any number of steps: 'decoder' starts its state/);
    const fixed = await h.ok('model.exportOnnx', { runId: attention, steps: 4 });
    assert.ok(fixed.bytes > 0, 'a fixed length still exports');
  });

  it('bad requests name what is wrong', async () => {
    assert.equal((await h.fails('model.exportOnnx', { runId: 'no-such-run', steps: 3 })).code, 'not-found');
    const long = await h.fails('model.exportOnnx', { runId: sine, steps: 1_000_000 });
    assert.equal(long.code, 'too-large');
  });
});
