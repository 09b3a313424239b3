/**
 * `rnn-studio export MODEL --format onnx [--steps T | --dynamic] [--batch B] [-o out.onnx]` and
 * `rnn-studio export MODEL --format tfjs [-o DIR]`: a trained model in a format other runtimes load.
 * Files are written atomically and only once the export has succeeded: on any error nothing is
 * written. Exit codes as every command: 0, 1 (a user error),
 * 2 (bad usage).
 */
import { basename, dirname, join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type BudgetOverrides, budgetsFrom, BUDGET_KNOBS, DEFAULT_BUDGETS } from '../compiler/budgets.ts';
import { exportOnnx, hasSequenceInput } from '../inference/export-onnx.ts';
import { exportOnnxScan } from '../inference/export-onnx-scan.ts';
import { saveFileAtomic } from '../model/atomic.ts';
import { exportTfjs, TfjsExportError, writeTfjs } from '../model/export/tfjs.ts';
import { weightsToMap } from '../model/file.ts';
import { UserError } from './errors.ts';
import { readModel } from './files.ts';

interface ExportOptions extends BudgetOverrides {
  readonly format: ExportFormat;
  readonly steps?: number;
  readonly dynamic?: boolean;
  readonly batch: number;
  readonly out?: string;
  readonly json?: boolean;
}

/** Each format: the name ending its output gets by default (a file, or a folder for tfjs), and how it is written. */
const FORMATS = {
  onnx: { extension: '.onnx', write: writeOnnx },
  tfjs: { extension: '-tfjs', write: writeTfjsFolder },
} satisfies Record<string, { extension: string; write: (model: string, out: string, o: ExportOptions, usage: (message: string) => never) => void }>;
type ExportFormat = keyof typeof FORMATS;

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected an integer ≥ 1, got '${value}'`);
  return n;
};

/** Adds `export` to the program. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a trained model in a format other runtimes load (ONNX for inference, a TensorFlow.js Layers model)')
    .argument('<model>', 'model file (*.rnn-model.json)')
    .addOption(new Option('--format <format>', 'what to write').choices(Object.keys(FORMATS)).makeOptionMandatory())
    .addOption(new Option('--steps <T>', 'onnx: time steps every sequence input and output has (the model is unrolled over them)').argParser(positive))
    .addOption(new Option('--dynamic', 'onnx: any number of steps: an ONNX Scan runs the model one step at a time').conflicts('steps'))
    .option('--batch <B>', 'onnx: examples per run: the first dimension of every input and output', positive, 1)
    .option('-o, --out <path>', 'where to write: a file, or a folder for tfjs (default: next to the model, named after it)')
    .addOption(new Option(`${BUDGET_KNOBS.steps.flag} <T>`, `refuse to unroll more steps than this (default ${DEFAULT_BUDGETS.steps}, or $${BUDGET_KNOBS.steps.env})`).argParser(positive))
    .addOption(new Option(`${BUDGET_KNOBS.parameters.flag} <N>`, `refuse models with more parameters (default ${DEFAULT_BUDGETS.parameters}, or $${BUDGET_KNOBS.parameters.env})`).argParser(positive))
    .option('--json', 'print JSON lines instead of text')
    .action((model: string, o: ExportOptions, command: Command) => {
      const format = FORMATS[o.format];
      const out = o.out ?? join(dirname(model), `${basename(model).replace(/(\.rnn-model)?\.json$/i, '')}${format.extension}`);
      format.write(model, out, o, (message) => command.error(`error: ${message}`, { exitCode: 2, code: 'rnn-studio.usage' }));
    });
}

/** `run()`, with an Error it throws turned into a UserError (one line, exit 1). */
function asUserError<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    throw new UserError(e instanceof Error ? e.message : String(e));
  }
}

function writeOnnx(path: string, out: string, o: ExportOptions, usage: (message: string) => never): void {
  const model = readModel(path);
  let steps: number | 'any' | undefined = o.dynamic ? 'any' : o.steps;
  if (steps === undefined) {
    if (hasSequenceInput(model.graph)) usage(`the model reads sequences: say how many steps with --steps T, or --dynamic for any number`);
    steps = 1;
  }
  const budgets = asUserError(() => budgetsFrom(process.env, o));
  const exported =
    steps === 'any'
      ? exportOnnxScan(model.graph, weightsToMap(model), model.training, { batch: o.batch, budgets })
      : exportOnnx(model.graph, weightsToMap(model), model.training, { steps, batch: o.batch, budgets });
  asUserError(() => saveFileAtomic(out, exported.bytes));
  const describe = (v: { name: string; dtype: string; shape: readonly number[]; dims: readonly string[] }) =>
    `${v.name} ${v.dtype}[${v.shape.map((d, i) => (d < 0 ? v.dims[i] : d)).join(', ')}] (${v.dims.join(' × ')})`;
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ type: 'exported', format: 'onnx', model: path, out, bytes: exported.bytes.length, steps, batch: o.batch, inputs: exported.inputs, outputs: exported.outputs })}\n`);
    return;
  }
  process.stdout.write(`${out}: ONNX model of ${model.graph.name || path}, ${steps === 'any' ? 'any number of steps' : `${steps} step${steps === 1 ? '' : 's'}`}, batch ${o.batch} (${exported.bytes.length.toLocaleString('en-US')} bytes)\n`);
  for (const v of exported.inputs) process.stdout.write(`  input   ${describe(v)}\n`);
  for (const v of exported.outputs) process.stdout.write(`  output  ${describe(v)}\n`);
}

/** A TF.js Layers model: `out/model.json` and its weight shards, for `tf.loadLayersModel` (it takes any number of steps). */
function writeTfjsFolder(path: string, out: string, o: ExportOptions, usage: (message: string) => never): void {
  if (o.steps !== undefined || o.dynamic) usage('--steps and --dynamic are for onnx: a TensorFlow.js model takes any number of steps');
  const model = readModel(path);
  let exported;
  try {
    exported = exportTfjs(model);
  } catch (e) {
    if (e instanceof TfjsExportError) throw new UserError(`${path}: cannot export to TensorFlow.js: ${e.message}`);
    throw e;
  }
  const files = asUserError(() => writeTfjs(out, exported));
  const layers = exported.modelJson.modelTopology.config.layers.length;
  const bytes = exported.weightData.byteLength;
  if (o.json) process.stdout.write(`${JSON.stringify({ type: 'exported', format: 'tfjs', model: path, out, files, layers, bytes })}\n`);
  else process.stdout.write(`${out}: TensorFlow.js Layers model of ${model.graph.name || path}, ${layers} layers, ${bytes.toLocaleString('en-US')} weight bytes in ${files.length - 1} shard${files.length > 2 ? 's' : ''}\n`);
}
