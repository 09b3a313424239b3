/**
 * The TF.js export, checked by TF.js itself: every template the exporter takes, and graphs with
 * each block it maps, are written to a folder, loaded back from those files with
 * tf.loadLayersModel, and must predict what our own `predict` does on the same inputs (1e-5).
 * Templates it refuses must say so in one line naming the block.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { main } from '../../../engine/cli/main.ts';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { ReferenceExecutor } from '../../../engine/executors/index.ts';
import { parseGraph } from '../../../engine/graph/document.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../../../engine/graph/schema.ts';
import { predict } from '../../../engine/inference/predict.ts';
import { exportTfjs, TfjsExportError, type TfjsModelJson, writeTfjs } from '../../../engine/model/export/tfjs.ts';
import { type ModelFile, readModelText, weightsToMap, writeModel } from '../../../engine/model/file.ts';
import { mulberry32 } from '../../helpers/gradcheck.ts';

const TEMPLATES = join(import.meta.dirname, '../../../templates');
const T = 6;
const B = 3;
const work = mkdtempSync(join(tmpdir(), 'rnn-tfjs-'));


function chain(name: string, blocks: readonly (readonly [id: string, type: string, params: Record<string, unknown>])[]): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name,
    nodes: blocks.map(([id, type, params], i) => ({ id, type, params, position: { x: 200 * i, y: 0 } })),
    edges: blocks.slice(1).map(([id], i) => ({ id: `e${i}`, source: blocks[i][0], sourcePort: 'out', target: id, targetPort: 'in' })),
  } as GraphDocument;
}

function template(file: string): GraphDocument {
  const parsed = parseGraph(JSON.parse(readFileSync(join(TEMPLATES, file), 'utf8')));
  if (!parsed.ok) assert.fail(parsed.errors.map((e) => e.message).join('\n'));
  return parsed.graph;
}

/** A model file of `graph` with every weight (biases too) drawn from the seed, written and read back. */
function modelOf(graph: GraphDocument, seed: number): ModelFile {
  const rng = mulberry32(seed);
  const { weights } = compileGraph(graph, { steps: 1, batch: 1 });
  const values = new Map(weights.map((w) => [w.param, Float32Array.from({ length: w.shape.reduce((a, b) => a * b, 1) }, () => rng() - 0.5)]));
  const read = readModelText(writeModel({ graph, weights: values, weightInfo: weights, encoding: 'base64' }));
  if (!read.ok) assert.fail(read.errors.map((e) => e.message).join('\n'));
  return read.model;
}

/** Inputs for the one input block: token ids or dense features, [B, T, …] or [B, …]. */
function inputsFor(graph: GraphDocument, seed: number): { id: string; examples: unknown[]; tensor: tf.Tensor } {
  const node = graph.nodes.find((n) => n.type === 'input')!;
  const p = node.params as { kind?: string; size?: number; sequence?: boolean };
  const rng = mulberry32(seed);
  const size = p.size ?? 1;
  const one = () => (p.kind === 'tokens' ? Math.floor(rng() * size) : Array.from({ length: size }, () => Math.fround(rng() * 2 - 1)));
  const examples = Array.from({ length: B }, () => (p.sequence === false ? one() : Array.from({ length: T }, one)));
  return { id: node.id, examples, tensor: tf.tensor(examples as number[]) };
}

/** Loads model.json and its shards from `dir` as tf.loadLayersModel would from a server. */
function filesHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as TfjsModelJson;
      const [group] = json.weightsManifest;
      const shards = group.paths.map((p) => readFileSync(join(dir, p)));
      const bytes = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
      let at = 0;
      for (const s of shards) bytes.set(s, (at += s.length) - s.length);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: group.weights as tf.io.WeightsManifestEntry[],
        weightData: bytes.buffer,
        format: json.format,
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
  };
}

/** Exports, writes, loads with TF.js and returns the largest |TF.js − predict| over every output value. */
async function worstError(graph: GraphDocument, seed: number, shardBytes?: number): Promise<number> {
  const model = modelOf(graph, seed);
  const dir = join(work, `${graph.name}-${seed}`);
  writeTfjs(dir, exportTfjs(model), shardBytes);
  const loaded = await tf.loadLayersModel(filesHandler(dir));
  const { id, examples, tensor } = inputsFor(graph, seed + 1);
  const output = graph.nodes.find((n) => n.type === 'output')!.id;
  assert.deepEqual(loaded.getUserDefinedMetadata(), { rnnStudio: { graph: graph.name, input: id, output } });
  const ours = await predict(graph, weightsToMap(model), { [id]: examples }, new ReferenceExecutor());
  const [out] = Object.values(ours.outputs);
  const theirs = loaded.predict(tensor) as tf.Tensor;
  assert.deepEqual(theirs.shape, out.shape);
  const values = theirs.dataSync();
  return out.data.reduce((worst, v, i) => Math.max(worst, Math.abs(v - values[i])), 0);
}

describe('TF.js export', () => {
  before(async () => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const supported = ['adding-lstm.rnn.json', 'sine-elman.rnn.json'];
  const refused: Record<string, RegExp> = {
    'char-gru.rnn.json': /^block 'gru' \(gru\): resetAfter is true .* use resetAfter false$/,
    'reverse-plain.rnn.json': /^the graph has 2 input blocks \(source, previous\); a TF\.js Sequential model reads one input$/,
    'reverse-attention.rnn.json': /^the graph has 2 input blocks \(source, previous\); a TF\.js Sequential model reads one input$/,
    'weather-food-jordan.rnn.json': /^block 'cook' \(jordan\): TF\.js Layers has no Jordan network/,
  };

  it('knows every template: supported or refused', () => {
    const files = readdirSync(TEMPLATES).filter((f) => f.endsWith('.rnn.json')).sort();
    assert.deepEqual(files, [...supported, ...Object.keys(refused)].sort());
  });

  for (const file of supported)
    it(`${file}: TF.js predicts what predict does`, async () => {
      assert.ok((await worstError(template(file), 11)) <= 1e-5);
    });

  for (const [file, reason] of Object.entries(refused))
    it(`${file}: refused in one line naming the blocks`, () => {
      assert.throws(() => exportTfjs(modelOf(template(file), 3)), (e: unknown) => e instanceof TfjsExportError && !e.message.includes('\n') && reason.test(e.message));
    });

  const graphs: [string, GraphDocument][] = [
    ['embedding → gru (resetAfter false) → dense per step → softmax', chain('chars', [['x', 'input', { kind: 'tokens', size: 7 }], ['e', 'embedding', { dim: 4 }], ['g', 'gru', { units: 5, resetAfter: false }], ['d', 'dense', { units: 7 }], ['o', 'output', { loss: 'softmaxCrossEntropy' }]])],
    ['stacked bidirectional lstm (sum) → dropout → last states → dense → sigmoid', chain('bilstm', [['x', 'input', { size: 3 }], ['bi', 'bidirectional', { cell: { type: 'lstm', units: 4, layers: 2 }, merge: 'sum', returnSequences: false }], ['drop', 'dropout', { rate: 0.3 }], ['d', 'dense', { units: 2, activation: 'tanh' }], ['o', 'output', { loss: 'binaryCrossEntropy' }]])],
    ['bidirectional gru and elman (concat, average) → 3 stacked elman layers → activation', chain('stack', [['x', 'input', { size: 2 }], ['bg', 'bidirectional', { cell: { type: 'gru', units: 3, resetAfter: false }, merge: 'average' }], ['be', 'bidirectional', { cell: { type: 'elman', units: 2, activation: 'relu' } }], ['s', 'elman', { units: 3, layers: 3 }], ['a', 'activation', { fn: 'sigmoid' }], ['o', 'output', {}]])],
    ['a vector input → dense without bias', chain('vector', [['x', 'input', { size: 4, sequence: false }], ['d', 'dense', { units: 3, useBias: false, activation: 'tanh' }], ['o', 'output', {}]])],
  ];
  for (const [what, graph] of graphs)
    it(`${what}: TF.js predicts what predict does`, async () => {
      assert.ok((await worstError(graph, 5)) <= 1e-5);
    });

  it('carries the vocabulary and the normalisation in the metadata', () => {
    const model = modelOf(graphs[0][1], 4);
    const training = { epochs: 1, steps: 1, finalLoss: 0.5, seed: 1, savedAt: '2026-01-01T00:00:00Z', vocabulary: ['a', 'b', 'c', 'd', 'e', 'f', ' '], normalisation: { min: -3, max: 5 } };
    const { modelJson } = exportTfjs({ ...model, training });
    assert.deepEqual(modelJson.userDefinedMetadata.rnnStudio, { graph: 'chars', input: 'x', output: 'o', vocabulary: training.vocabulary, normalisation: training.normalisation });
  });

  it('splits the weights over shards that TF.js joins back', async () => {
    const graph = graphs[0][1];
    assert.ok((await worstError(graph, 8, 64)) <= 1e-5);
    const json = JSON.parse(readFileSync(join(work, `${graph.name}-8`, 'model.json'), 'utf8')) as TfjsModelJson;
    assert.ok(json.weightsManifest[0].paths.length > 1);
  });

  it('refuses a wired direction port, and a block TF.js has no layer for', () => {
    const refusal = (reason: RegExp) => (e: unknown) => e instanceof TfjsExportError && reason.test(e.message);
    const none = chain('none', [['x', 'input', { size: 2 }], ['bi', 'bidirectional', { cell: { type: 'elman', units: 2 }, merge: 'none' }], ['o', 'output', {}]]);
    none.edges[1] = { ...none.edges[1], sourcePort: 'forward' };
    assert.throws(() => exportTfjs(modelOf(none, 1)), refusal(/^block 'bi': its port 'forward' is wired; TF\.js export takes only each block's 'out'/));
    const ctrnn = chain('ctrnn', [['x', 'input', { size: 2 }], ['c', 'ctrnn', { units: 2, returnSequences: false }], ['o', 'output', {}]]);
    assert.throws(() => exportTfjs(modelOf(ctrnn, 1)), refusal(/^block 'c' \(ctrnn\): TF\.js Layers has no continuous-time RNN layer$/));
  });

  it('rnn-studio export --format tfjs writes the folder, or refuses with exit 1 and writes nothing', async () => {
    const good = join(work, 'sine.rnn-model.json');
    const bad = join(work, 'jordan.rnn-model.json');
    const text = (graph: GraphDocument) => {
      const { weights } = compileGraph(graph, { steps: 1, batch: 1 });
      return writeModel({ graph, weights: weightsToMap(modelOf(graph, 2)), weightInfo: weights, encoding: 'json' });
    };
    writeFileSync(good, text(template('sine-elman.rnn.json')));
    writeFileSync(bad, text(template('weather-food-jordan.rnn.json')));
    assert.equal(await main(['export', good, '--format', 'tfjs', '-o', join(work, 'cli-good')]), 0);
    assert.deepEqual(readdirSync(join(work, 'cli-good')).sort(), ['group1-shard1of1.bin', 'model.json']);
    assert.equal(await main(['export', bad, '--format', 'tfjs', '-o', join(work, 'cli-bad')]), 1);
    assert.equal(existsSync(join(work, 'cli-bad')), false);
  });
});
