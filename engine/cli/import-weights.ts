/**
 * `rnn-studio import-weights`: a PyTorch nn.RNN / LSTM / GRU state dict (written as JSON by
 * scripts/export-pytorch-weights.py) into one node of a graph, as a model file.
 *
 *   import-weights GRAPH --node ID --state-dict FILE [--prefix P] [--seed S] --out MODEL
 *       a new model: the node's weights from PyTorch, every other weight drawn from the seed
 *       exactly as `train` would start them (the graph's training seed unless --seed)
 *   import-weights --model MODEL --node ID --state-dict FILE [--prefix P] --out MODEL
 *       the same model with that node's weights replaced; every other weight, and the training
 *       record, kept as they are
 *
 * The file is written atomically, and only once everything has been checked: on any error
 * nothing is written. Exit codes as every command: 0, 1 (a user error), 2 (bad usage).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { compileGraph } from '../compiler/compile.ts';
import { analyzeGraph } from '../compiler/validate.ts';
import type { GraphDocument } from '../graph/schema.ts';
import { resolveTraining } from '../graph/schema.ts';
import { saveFileAtomic } from '../model/atomic.ts';
import { checkWeightsAgainst, type TrainingRecord, type WeightEncoding, weightsToMap, writeModel } from '../model/file.ts';
import { initWeights } from '../model/init.ts';
import { describeTorchModule, importTorchWeights, parseTorchStateDict } from '../model/pytorch.ts';
import { UserError } from './errors.ts';
import { failOnErrors, readGraph, readJson, readModel } from './files.ts';

interface ImportOptions {
  readonly node: string;
  readonly stateDict: string;
  readonly prefix?: string;
  readonly model?: string;
  readonly out: string;
  readonly seed?: number;
  readonly encoding: WeightEncoding;
  readonly json?: boolean;
}

const seedValue = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected an integer ≥ 0, got '${value}'`);
  return n;
};

/** Adds `import-weights` to the program. */
export function registerImportWeights(program: Command): void {
  program
    .command('import-weights')
    .description("put a PyTorch nn.RNN / LSTM / GRU state dict into one node of a graph (or of a model) and write a model file")
    .argument('[graph]', 'graph file (*.rnn.json); leave out with --model')
    .requiredOption('--node <id>', 'the node whose weights to set (an elman, lstm, gru or bidirectional block)')
    .requiredOption('--state-dict <file>', 'the state dict as JSON (scripts/export-pytorch-weights.py)')
    .option('--prefix <prefix>', "where the module's tensors are in the dict ('rnn.' for model.rnn, '' for the module itself); default: its only recurrent module")
    .option('--model <model>', 'replace the node\'s weights in this model file (*.rnn-model.json) instead of starting from a graph')
    .requiredOption('--out <model>', 'the model file to write (*.rnn-model.json; may be the --model file)')
    .option('--seed <S>', "seed for every other node's initial weights (default: the graph's training seed)", seedValue)
    .addOption(new Option('--encoding <encoding>', 'how the weights are written').choices(['base64', 'json']).default('base64'))
    .addOption(new Option('--json', 'print JSON lines instead of text'))
    .action(importWeights);
}

async function importWeights(graphFile: string | undefined, o: ImportOptions, command: Command): Promise<void> {
  if ((graphFile === undefined) === (o.model === undefined))
    command.error(`error: give either a graph file or --model, ${graphFile === undefined ? 'not neither' : 'not both'}`, { exitCode: 2, code: 'rnn-studio.usage' });
  if (o.model !== undefined && o.seed !== undefined)
    command.error('error: --seed draws the other weights of a new model; with --model they are kept as they are', { exitCode: 2, code: 'rnn-studio.usage' });

  const source = o.model ?? graphFile!;
  const existing = o.model !== undefined ? readModel(o.model) : undefined;
  const graph: GraphDocument = existing?.graph ?? readGraph(source);
  failOnErrors(source, analyzeGraph(graph).diagnostics);
  const compiled = compileGraph(graph, { steps: 1, batch: 1 });

  const parsed = parseTorchStateDict(readJson(o.stateDict));
  if (!parsed.ok) throw new UserError(`${o.stateDict}: ${parsed.errors[0]}`, parsed.errors.slice(1).map((e) => `${o.stateDict}: ${e}`));
  const imported = importTorchWeights(graph, o.node, parsed.dict, { prefix: o.prefix });
  if (!imported.ok) throw new UserError(`${o.stateDict}: ${imported.errors[0]}`, imported.errors.slice(1).map((e) => `${o.stateDict}: ${e}`));

  let weights: Map<string, Float32Array>;
  let training: TrainingRecord | undefined;
  if (existing) {
    weights = weightsToMap(existing);
    const problems = checkWeightsAgainst(compiled.weights, weights);
    if (problems.length > 0) throw new UserError(`${source}: ${problems[0]}`, problems.slice(1).map((p) => `${source}: ${p}`));
    training = existing.training;
  } else {
    weights = initWeights(compiled.weights, o.seed ?? resolveTraining(graph.training).seed);
  }
  for (const [param, values] of imported.weights) weights.set(param, values);
  saveFileAtomic(o.out, writeModel({ graph, weights, weightInfo: compiled.weights, training, encoding: o.encoding }));

  const module = imported.module;
  const names = [...imported.weights.keys()].map((p) => p.slice(o.node.length + 1));
  const values = [...imported.weights.values()].reduce((s, v) => s + v.length, 0);
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ type: 'imported', node: o.node, module: { ...module, description: describeTorchModule(module) }, weights: names, values, notes: imported.notes, out: o.out })}\n`);
    return;
  }
  const where = module.prefix === '' ? 'the top level' : `'${module.prefix}'`;
  process.stdout.write(`${o.stateDict}: ${describeTorchModule(module)} at ${where} → node '${o.node}': ${names.length} weights, ${values} values\n`);
  for (const note of imported.notes) process.stderr.write(`note: ${note}\n`);
  const others = existing ? `the other weights as in ${o.model}` : `the other weights drawn from seed ${o.seed ?? resolveTraining(graph.training).seed}`;
  process.stderr.write(`model written to ${o.out} (${others})\n`);
}
