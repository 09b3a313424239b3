/**
 * ONNX export of every template, unrolled and as a Scan for any length: the file passes the
 * `onnx` package's checker (Python), and onnxruntime-node, given the exported file alone, computes
 * what `predict` prints on the float64 reference executor for the same inputs and weights.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { findPython } from '../../../engine/bench/python.ts';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { ReferenceExecutor } from '../../../engine/executors/index.ts';
import { exportOnnx, METADATA_PREFIX } from '../../../engine/inference/export-onnx.ts';
import { exportOnnxScan } from '../../../engine/inference/export-onnx-scan.ts';
import { inputBlocks, InputError, predict } from '../../../engine/inference/predict.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { initWeights, type Weights } from '../../../engine/model/init.ts';
import type { TrainingRecord } from '../../../engine/model/file.ts';
import { STUDIO_VERSION } from '../../../engine/protocol/version.ts';
import { graph } from '../../helpers/graphs.ts';
import { loadTemplate, TEMPLATES_DIR } from '../../helpers/templates.ts';
import { mulberry32 } from '../../helpers/gradcheck.ts';

const dir = mkdtempSync(join(tmpdir(), 'onnx-export-'));
after(() => rmSync(dir, { recursive: true, force: true }));


/** Initialised weights with every value moved a little, so that no bias is zero and no structure is special. */
function weightsFor(doc: GraphDocument, seed: number): Weights {
  const c = compileGraph(doc, { steps: 1, batch: 1, sourcesByNode: true });
  const next = mulberry32(seed);
  const weights = initWeights(c.weights, seed);
  for (const values of weights.values()) for (let i = 0; i < values.length; i++) values[i] += (next() - 0.5) * 0.2;
  return weights;
}

/** predict's input JSON: batch × time × features (or token ids), random. */
function inputsFor(doc: GraphDocument, steps: number, batch: number, seed: number): Record<string, unknown[]> {
  const next = mulberry32(seed);
  const one = (tokens: boolean, size: number) => (tokens ? Math.floor(next() * size) : Array.from({ length: size }, () => next() * 4 - 2));
  return Object.fromEntries(
    inputBlocks(doc).map((s) => [s.id, Array.from({ length: batch }, () => (s.sequence ? Array.from({ length: steps }, () => one(s.tokens, s.size)) : one(s.tokens, s.size)))]),
  );
}

/** The same inputs as ORT tensors, batch-major, named by node id. */
function ortFeeds(doc: GraphDocument, json: Record<string, unknown[]>): Record<string, ort.Tensor> {
  return Object.fromEntries(
    inputBlocks(doc).map((s) => {
      const flat = (json[s.id] as unknown[]).flat(2) as number[];
      const shape = [json[s.id].length, ...(s.sequence ? [(json[s.id][0] as unknown[]).length] : []), ...(s.tokens ? [] : [s.size])];
      return [s.id, s.tokens ? new ort.Tensor('int32', Int32Array.from(flat), shape) : new ort.Tensor('float32', Float32Array.from(flat), shape)];
    }),
  );
}

const python = findPython('onnx');

/** Runs the onnx checker (full_check: shapes inferred too) and returns the metadata as Python reads it; undefined with the reason printed when Python or onnx is missing. */
function pythonCheck(file: string): { metadata: Record<string, string> } | { skipped: string } {
  if (!python.ok) return { skipped: `the onnx checker was not run: ${python.reason}` };
  const script = 'import json, onnx, sys\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nprint(json.dumps({p.key: p.value for p in m.metadata_props}))';
  const r = spawnSync(python.python, ['-c', script, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `onnx.checker refused ${file}: ${r.stderr}`);
  return { metadata: JSON.parse(r.stdout) as Record<string, string> };
}

const close = (actual: ArrayLike<number>, expected: readonly number[], what: string) => {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, predict gave ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    assert.ok(err <= 1e-5 * Math.max(1, Math.abs(expected[i])), `${what} element ${i}: ONNX ${actual[i]}, predict ${expected[i]}`);
    worst = Math.max(worst, err);
  }
  return worst;
};

/** Checks each of predict's outputs against ONNX Runtime's (shape, then values); the largest difference. */
function worstAgainst(results: ort.InferenceSession.OnnxValueMapType, outputs: Record<string, { shape: number[]; data: number[] }>, where: string): number {
  let worst = 0;
  for (const [id, want] of Object.entries(outputs)) {
    assert.deepEqual([...results[id].dims], want.shape, `output '${id}' shape${where}`);
    worst = Math.max(worst, close(results[id].data as Float32Array, want.data, `output '${id}'${where}`));
  }
  return worst;
}

const templates = readdirSync(TEMPLATES_DIR).filter((f) => f.endsWith('.rnn.json'));

describe('ONNX export of every template equals predict', () => {
  it('covers the shipped templates', () => assert.ok(templates.length >= 6, templates.join(', ')));

  for (const file of templates) {
    it(file, async (t) => {
      const { graph: doc } = loadTemplate(file);
      const steps = 6;
      const batch = 3;
      const weights = weightsFor(doc, 7);
      const training: TrainingRecord = { epochs: 1, steps: 1, finalLoss: 0.5, seed: 7, savedAt: '2026-01-01T00:00:00Z', vocabulary: ['a', 'b', '\n'], normalisation: { min: -3, max: 5 } };
      const exported = exportOnnx(doc, weights, training, { steps, batch });
      const path = join(dir, file.replace('.rnn.json', '.onnx'));
      writeFileSync(path, exported.bytes);

      const json = inputsFor(doc, steps, batch, 11);
      const expected = await predict(doc, weights, json, new ReferenceExecutor());
      const session = await ort.InferenceSession.create(path);
      try {
        assert.deepEqual([...session.inputNames].sort(), inputBlocks(doc).map((s) => s.id).sort());
        assert.deepEqual([...session.outputNames].sort(), Object.keys(expected.outputs).sort());
        const results = await session.run(ortFeeds(doc, json));
        const worst = worstAgainst(results, expected.outputs, '');
        t.diagnostic(`${file}: worst |ONNX − predict| ${worst.toExponential(2)}`);
      } finally {
        await session.release();
      }

      const checked = pythonCheck(path);
      if ('skipped' in checked) {
        console.log(checked.skipped);
        t.skip(checked.skipped);
        return;
      }
      const m = checked.metadata;
      assert.equal(m[`${METADATA_PREFIX}graph_name`], doc.name);
      assert.equal(m[`${METADATA_PREFIX}studio_version`], STUDIO_VERSION);
      assert.deepEqual(JSON.parse(m[`${METADATA_PREFIX}vocabulary`]), ['a', 'b', '\n']);
      assert.deepEqual(JSON.parse(m[`${METADATA_PREFIX}normalisation`]), { min: -3, max: 5, formula: 'v = 2 (x - min) / (max - min) - 1; x = min + (v + 1) / 2 (max - min)' });
      const inputs = JSON.parse(m[`${METADATA_PREFIX}inputs`]) as { name: string; shape: number[] }[];
      assert.deepEqual(
        inputs.map((v) => [v.name, v.shape]),
        inputBlocks(doc).map((s) => [s.id, [batch, ...(s.sequence ? [steps] : []), ...(s.tokens ? [] : [s.size])]]),
      );
      const outputs = JSON.parse(m[`${METADATA_PREFIX}outputs`]) as { name: string; shape: number[] }[];
      assert.deepEqual(Object.fromEntries(outputs.map((v) => [v.name, v.shape])), Object.fromEntries(Object.entries(expected.outputs).map(([k, v]) => [k, v.shape])));
    });
  }
});

/** Templates whose predictions need a whole sequence before the first step (an encoder's final state, attention). */
const WHOLE_SEQUENCE = new Set(['reverse-attention.rnn.json', 'reverse-plain.rnn.json']);

describe('ONNX export for any length (Scan) equals predict at every length', () => {
  for (const file of templates) {
    it(file, async (t) => {
      const { graph: doc } = loadTemplate(file);
      const batch = 2;
      const weights = weightsFor(doc, 5);
      if (WHOLE_SEQUENCE.has(file)) {
        assert.throws(() => exportOnnxScan(doc, weights, undefined, { batch }), (e: unknown) => e instanceof InputError && /^--dynamic: 'decoder' starts its state from a value computed over a whole sequence/.test(e.message));
        return;
      }
      const exported = exportOnnxScan(doc, weights, undefined, { batch });
      const path = join(dir, file.replace('.rnn.json', '.any.onnx'));
      writeFileSync(path, exported.bytes);
      const session = await ort.InferenceSession.create(path);
      try {
        let worst = 0;
        for (const steps of [1, 4, 17]) {
          const json = inputsFor(doc, steps, batch, steps);
          const expected = await predict(doc, weights, json, new ReferenceExecutor());
          const results = await session.run(ortFeeds(doc, json));
          worst = Math.max(worst, worstAgainst(results, expected.outputs, ` at T=${steps}`));
        }
        t.diagnostic(`${file}: worst |ONNX − predict| over T = 1, 4, 17: ${worst.toExponential(2)}`);
      } finally {
        await session.release();
      }
      const checked = pythonCheck(path);
      if ('skipped' in checked) {
        console.log(checked.skipped);
        t.skip(checked.skipped);
        return;
      }
      const inputs = JSON.parse(checked.metadata[`${METADATA_PREFIX}inputs`]) as { dims: string[] }[];
      assert.ok(inputs.some((v) => v.dims[1] === 'time'));
      assert.equal(checked.metadata[`${METADATA_PREFIX}steps`], 'any');
    });
  }

  it('refuses a bidirectional block, naming it', () => {
    const doc = graph({ x: ['input', { size: 2 }], bi: ['bidirectional', { cell: { type: 'gru', units: 3 } }], o: ['output'] }, ['x -> bi', 'bi -> o']);
    assert.throws(() => exportOnnxScan(doc, weightsFor(doc, 1), undefined, { batch: 1 }), (e: unknown) => e instanceof InputError && /^--dynamic: 'bi' reads its sequence backward in time/.test(e.message));
  });
});

describe('ONNX export of small graphs', () => {
  it('a vector input gives y = x·W + b, with no time axis anywhere', async () => {
    const doc = graph({ x: ['input', { size: 2, sequence: false }], d: ['dense', { units: 1 }], o: ['output'] }, ['x -> d', 'd -> o']);
    const weights = new Map([
      ['d.kernel', Float32Array.of(2, -3)],
      ['d.bias', Float32Array.of(0.5)],
    ]);
    const exported = exportOnnx(doc, weights, undefined, { steps: 1, batch: 2 });
    assert.deepEqual(exported.inputs.map((v) => v.shape), [[2, 2]]);
    const session = await ort.InferenceSession.create(exported.bytes);
    const r = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 1, 0.25, -2), [2, 2]) });
    await session.release();
    assert.deepEqual([...r.o.dims], [2, 1]);
    assert.deepEqual([...(r.o.data as Float32Array)], [2 - 3 + 0.5, 0.5 + 6 + 0.5]);
    assert.equal(exported.metadata[`${METADATA_PREFIX}vocabulary`], undefined, 'no vocabulary without a training record');
  });

  it('refuses weights that do not fit, naming the weight', () => {
    const doc = graph({ x: ['input', { size: 2, sequence: false }], d: ['dense', { units: 1 }], o: ['output'] }, ['x -> d', 'd -> o']);
    assert.throws(() => exportOnnx(doc, new Map([['d.kernel', Float32Array.of(1, 2)]]), undefined, { steps: 1, batch: 1 }), (e: unknown) => e instanceof InputError && /weights\.d\.bias: missing/.test(e.message));
  });

  it('refuses a graph without an output block', () => {
    const doc = graph({ x: ['input', { size: 2 }], d: ['dense', { units: 1 }] }, ['x -> d']);
    assert.throws(() => exportOnnx(doc, weightsFor(doc, 1), undefined, { steps: 2, batch: 1 }), /no output block/);
  });
});
