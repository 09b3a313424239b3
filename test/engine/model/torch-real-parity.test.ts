/**
 * Our elman, lstm and gru blocks against real PyTorch (Debian's python3-torch): for nn.RNN, LSTM
 * and GRU × 1 and 2 layers × one and two directions × T = 1, 5 and 40, PyTorch builds the module
 * with its own initialisation, scripts/export-pytorch-weights.py writes its state dict, and
 * engine/model/pytorch.ts imports that file into a graph node, exactly as `rnn-studio
 * import-weights` does. On the same x, our output, h_n, c_n (LSTM) and the gradient of the MSE
 * loss for every weight must equal PyTorch's (run in float64 on the exported float32 values) to
 * |ours − torch| ≤ max(1e-6, 1e-5·|torch|), element by element, on ONNX Runtime (float32, what
 * training runs on) and on the float64 reference executor.
 *
 * Gradients are compared in our layout: PyTorch's are mapped by the same import (transposes, gate
 * order, directions). Our RNN and LSTM have one bias where PyTorch has b_ih + b_hh, and both of
 * PyTorch's get the gradient of that sum, so ours must equal grad b_ih (and grad b_ih = grad b_hh).
 *
 * One SGD step shows why training runs differ (docs/model-format.md, "Biases"): PyTorch moves
 * b_ih and b_hh by lr·g each, so the sum that our RNN and LSTM bias stands for moves by 2·lr·g,
 * where ours moves by lr·g; every other weight, and the GRU's two bias rows, move by lr·g in both.
 *
 * All cases go to one Python process (starting torch takes seconds). Without Python or torch the
 * file is skipped, saying why on stderr and in the skip reason. The float64 re-implementation of
 * PyTorch's equations (test/engine/blocks/torch-parity.test.ts) remains the second oracle.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { runOnce } from '../../../engine/executors/index.ts';
import { OrtExecutor } from '../../../engine/executors/onnx/ort.ts';
import { runReference } from '../../../engine/executors/reference.ts';
import { tensorsFrom64 } from '../../../engine/executors/tensors.ts';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { type Tensor64, tensor } from '../../../engine/ir/tensor64.ts';
import { TORCH_STATE_DICT_FORMAT, importTorchWeights, parseTorchStateDictText } from '../../../engine/model/pytorch.ts';
import { graph } from '../../helpers/graphs.ts';
import { findPython } from '../../../engine/bench/python.ts';
import { torchStateFrom } from '../../helpers/torch-reference.ts';

type Kind = 'RNN' | 'LSTM' | 'GRU';
const BLOCK: Readonly<Record<Kind, string>> = { RNN: 'elman', LSTM: 'lstm', GRU: 'gru' };
const F = 3;
const H = 4;
const B = 2;
const LR = 0.1;
const ABSOLUTE = 1e-6;
const RELATIVE = 1e-5;
const SCRIPT = join(import.meta.dirname, '..', '..', 'helpers', 'torch-cases.py');

interface Case {
  readonly id: string;
  readonly kind: Kind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly steps: number;
  readonly batch: number;
  readonly seed: number;
  readonly lr: number;
}

const CASES: readonly Case[] = (['RNN', 'LSTM', 'GRU'] as const).flatMap((kind) =>
  [1, 2].flatMap((numLayers) =>
    [false, true].flatMap((bidirectional) =>
      [1, 5, 40].map((steps) => ({ kind, numLayers, bidirectional, steps, inputSize: F, hiddenSize: H, batch: B })),
    ),
  ),
).map((c, i) => ({ ...c, id: `case${i}`, seed: 7000 + i, lr: LR }));

const nameOf = (c: Case) => `nn.${c.kind}(${F}, ${H}, num_layers=${c.numLayers}${c.bidirectional ? ', bidirectional=True' : ''}), T = ${c.steps}`;

const Json = z.object({ shape: z.array(z.number().int()), data: z.array(z.number()) });
const Result = z.object({ x: Json, y: Json, output: Json, hN: Json, cN: Json.optional(), loss: z.number(), grads: z.record(z.string(), Json) });
const Results = z.object({ torch: z.string(), cases: z.record(z.string(), Result) });
type Result = z.infer<typeof Result>;

/** x → r → o, port `port` of r to the output block, its loss the MSE. */
function docFor(c: Case, port: 'out' | 'h' | 'c'): GraphDocument {
  const cell = { units: H, layers: c.numLayers };
  const r: readonly [string, Record<string, unknown>] = c.bidirectional ? ['bidirectional', { cell: { type: BLOCK[c.kind], ...cell }, merge: 'concat' }] : [BLOCK[c.kind], cell];
  return graph({ x: ['input', { size: F }], r, o: ['output', { loss: 'meanSquaredError' }] }, ['x -> r', `r.${port} -> o`]);
}

/** The worst error over all compared values: absolute, relative (where |torch| ≥ ABSOLUTE / RELATIVE, so the relative bound is the one that applies) and as a share of the tolerance. */
class Worst {
  absolute = 0;
  relative = 0;
  share = 0;
  values = 0;
  /** The first element outside the tolerance, as text, or undefined. */
  check(what: string, ours: ArrayLike<number>, torch: ArrayLike<number>): string | undefined {
    if (ours.length !== torch.length) return `${what}: ${ours.length} values against PyTorch's ${torch.length}`;
    let failure: string | undefined;
    for (let i = 0; i < torch.length; i++) {
      const d = Math.abs(ours[i] - torch[i]);
      const allowed = Math.max(ABSOLUTE, RELATIVE * Math.abs(torch[i]));
      this.absolute = Math.max(this.absolute, d);
      if (Math.abs(torch[i]) >= ABSOLUTE / RELATIVE) this.relative = Math.max(this.relative, d / Math.abs(torch[i]));
      this.share = Math.max(this.share, d / allowed);
      if (!(d <= allowed) && failure === undefined) failure = `${what}[${i}]: ours ${ours[i]}, torch ${torch[i]} (|difference| ${d.toExponential(2)} > ${allowed.toExponential(2)})`;
    }
    this.values += torch.length;
    return failure;
  }
  text(): string {
    return `max |ours − torch| ${this.absolute.toExponential(2)}, max relative ${this.relative.toExponential(2)} (where |torch| ≥ 0.1), ${(100 * this.share).toFixed(1)}% of the tolerance, over ${this.values} values`;
  }
}

/** PyTorch's gradients in our layout, through the import: for RNN and LSTM our one bias's gradient is grad b_ih, so grad b_hh is left out of the sum the import forms. */
function gradientsAsOurs(c: Case, doc: GraphDocument, result: Result): Map<string, Float32Array> {
  const tensors = Object.fromEntries(
    Object.entries(result.grads).map(([name, g]) => [name, c.kind !== 'GRU' && name.startsWith('bias_hh') ? { shape: g.shape, data: g.data.map(() => 0) } : g]),
  );
  const parsed = parseTorchStateDictText(JSON.stringify({ format: TORCH_STATE_DICT_FORMAT, tensors }));
  if (!parsed.ok) assert.fail(parsed.errors.join('\n'));
  const imported = importTorchWeights(doc, 'r', parsed.dict);
  if (!imported.ok) assert.fail(imported.errors.join('\n'));
  return imported.weights;
}

const python = findPython('torch');

describe('elman, lstm and gru blocks with PyTorch weights imported match real torch.nn.RNN, LSTM and GRU: outputs, final states, every weight gradient', () => {
  if (!python.ok) {
    it('needs Python with torch', (t) => {
      process.stderr.write(`torch-real-parity: skipped: ${python.reason}\n`);
      t.skip(python.reason);
    });
    return;
  }

  let ort: OrtExecutor;
  let folder: string;
  let results: z.infer<typeof Results>;
  const worst = { onnxruntime: new Worst(), reference: new Worst() };
  /** PyTorch's SGD step against lr·(our gradient), times 2 for the folded RNN and LSTM biases. */
  const sgd = new Worst();

  before(async () => {
    ort = await OrtExecutor.create({ threads: 1 });
    folder = mkdtempSync(join(tmpdir(), 'rnn-studio-torch-'));
    writeFileSync(join(folder, 'cases.json'), JSON.stringify(CASES));
    const run = spawnSync(python.python, [SCRIPT, join(folder, 'cases.json'), folder], { encoding: 'utf8', timeout: 600_000 });
    if (run.status !== 0) throw new Error(`${python.python} ${SCRIPT} failed (${run.error?.message ?? `exit status ${run.status}`}):\n${run.stderr}`);
    results = Results.parse(JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8')));
  });
  after(async () => {
    await ort?.dispose();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(nameOf(c), async (t) => {
      const torch = results.cases[c.id];
      assert.ok(torch, `PyTorch's results for ${c.id}`);
      const read = (file: string) => {
        const parsed = parseTorchStateDictText(readFileSync(join(folder, file), 'utf8'));
        if (!parsed.ok) assert.fail(parsed.errors.join('\n'));
        return parsed.dict;
      };
      const dict = read(`${c.id}.state.json`);
      const parts = (c.bidirectional ? 2 : 1) * c.numLayers;
      const failures: string[] = [];
      const compare = (what: string, ours: Record<'onnxruntime' | 'reference', ArrayLike<number>>, expected: ArrayLike<number>) => {
        for (const executor of ['onnxruntime', 'reference'] as const) {
          const failure = worst[executor].check(`${executor}: ${what}`, ours[executor], expected);
          if (failure) failures.push(failure);
        }
      };
      const ports = c.kind === 'LSTM' ? (['out', 'h', 'c'] as const) : (['out', 'h'] as const);
      for (const port of ports) {
        const doc = docFor(c, port);
        const imported = importTorchWeights(doc, 'r', dict);
        if (!imported.ok) assert.fail(imported.errors.join('\n'));
        assert.deepEqual(imported.notes, [], 'the export records everything the import needs');
        const compiled = compileGraph(doc, { steps: c.steps, batch: B });
        const feeds: Record<string, Tensor64> = { x: tensor(torch.x.shape, torch.x.data) };
        for (const w of compiled.weights) {
          const values = imported.weights.get(w.param);
          assert.ok(values, `${w.param} imported`);
          feeds[w.param] = tensor(w.shape, values);
        }
        for (const i of compiled.inputs) feeds[i.name] ??= port === 'out' && i.name === 'y' ? tensor(torch.y.shape, torch.y.data) : tensor(i.shape);
        const ir = port === 'out' ? compiled.train : compiled.forward;
        const names = port === 'out' ? ['out:o', 'loss', ...compiled.weights.map((w) => `grad:${w.param}`)] : ['out:o'];
        const reference = runReference(ir, feeds, names);
        const onnx = await runOnce(ort, ir, tensorsFrom64(ir, feeds), { outputs: names, name: `torch-real:${c.id}:${port}` });
        const view = (name: string) => ({ onnxruntime: onnx[name].data, reference: reference[name].data });
        const state = (name: string) => ({ onnxruntime: torchStateFrom(onnx[name].data, B, parts, H), reference: torchStateFrom(reference[name].data, B, parts, H) });
        if (port === 'h') compare('h_n', state('out:o'), torch.hN.data);
        if (port === 'c') compare('c_n', state('out:o'), torch.cN!.data);
        if (port !== 'out') continue;
        compare('output', view('out:o'), torch.output.data);
        compare('loss', view('loss'), [torch.loss]);
        const expected = gradientsAsOurs(c, doc, torch);
        for (const w of compiled.weights) compare(`grad:${w.param}`, view(`grad:${w.param}`), expected.get(w.param)!);
        const stepped = importTorchWeights(doc, 'r', read(`${c.id}.stepped.state.json`));
        if (!stepped.ok) assert.fail(stepped.errors.join('\n'));
        for (const w of compiled.weights) {
          const folded = c.kind !== 'GRU' && /(^|_)bias(_l\d+)?$/.test(w.name) ? 2 : 1;
          const before = imported.weights.get(w.param)!;
          const moved = stepped.weights.get(w.param)!.map((v, i) => v - before[i]);
          const failure = sgd.check(`SGD step of ${w.param}`, moved, reference[`grad:${w.param}`].data.map((g) => -folded * c.lr * g));
          if (failure) failures.push(failure);
        }
        if (c.kind !== 'GRU')
          for (const [name, g] of Object.entries(torch.grads))
            if (name.startsWith('bias_ih')) {
              const failure = new Worst().check(`PyTorch's grad ${name} against grad ${name.replace('_ih', '_hh')}`, g.data, torch.grads[name.replace('bias_ih', 'bias_hh')].data);
              if (failure) failures.push(failure);
            }
      }
      assert.deepEqual(failures, []);
      t.diagnostic(`${Object.keys(torch.grads).length} PyTorch parameters`);
    });
  }

  it('summary', (t) => {
    assert.equal(Object.keys(results.cases).length, CASES.length);
    t.diagnostic(`${CASES.length} cases against torch ${results.torch} (${python.python}); ONNX Runtime: ${worst.onnxruntime.text()}; reference executor: ${worst.reference.text()}; one SGD step against lr·g (2·lr·g for the RNN and LSTM bias): ${sgd.text()}`);
  });
});
