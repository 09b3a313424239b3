/**
 * `rnn-studio`: the engine without the app.
 *   validate FILE · compile FILE --steps T · train FILE · predict MODEL --input JSON · sample MODEL
 *   forecast MODEL --history FILE --steps N · import-weights GRAPH --node ID --state-dict JSON
 *   export MODEL --format onnx|tfjs [--steps T | --dynamic]
 *   serve [--port P] [--workspace DIR] [--open]
 * Exit codes: 0 success, 1 a user error (one line naming the file and node, no stack trace) or a
 * size over its budget (--max-steps, --max-parameters, --max-memory raise them), 2 bad usage,
 * 130 stopped by Ctrl-C. `--json` prints JSON lines on stdout.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BUDGET_KNOBS, BudgetError, DEFAULT_BUDGETS } from '../compiler/budgets.ts';
import { CompileError } from '../graph/diagnostics.ts';
import { EXECUTOR_CHOICES } from '../protocol/executors.ts';
import { STUDIO_VERSION } from '../protocol/version.ts';
import { InputError } from '../inference/predict.ts';
import { commands } from './commands.ts';
import { Interrupted, oneLine, UserError } from './errors.ts';
import { registerExport } from './export.ts';
import { registerImportWeights } from './import-weights.ts';
import { serveCommand } from './serve.ts';

const integer = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got '${value}'`);
  return n;
};
const portNumber = (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError(`expected a port number from 0 to 65535, got '${value}'`);
  return n;
};
const nonNegative = (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number ≥ 0, got '${value}'`);
  return n;
};
const json = new Option('--json', 'print JSON lines instead of text');
const maxSteps = new Option(`${BUDGET_KNOBS.steps.flag} <T>`, `refuse to unroll more steps than this (default ${DEFAULT_BUDGETS.steps}, or $${BUDGET_KNOBS.steps.env})`).argParser(integer(1));
const maxParameters = new Option(`${BUDGET_KNOBS.parameters.flag} <N>`, `refuse graphs with more parameters (default ${DEFAULT_BUDGETS.parameters}, or $${BUDGET_KNOBS.parameters.env})`).argParser(
  integer(1),
);
const maxMemory = new Option(BUDGET_KNOBS.memory.flag, `memory one train step may take, in MB (default: the free memory, or $${BUDGET_KNOBS.memory.env})`).argParser(integer(1));
const executor = new Option('--executor <name>', 'which executor runs the model').choices(EXECUTOR_CHOICES).default('auto');

export function buildProgram(): Command {
  const program = new Command('rnn-studio')
    .description('Compose, compile and train recurrent neural networks from graph JSON files.')
    .version(STUDIO_VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('validate')
    .description('check a graph file and list its diagnostics')
    .argument('<file>', 'graph file (*.rnn.json)')
    .addOption(maxParameters)
    .addOption(json)
    .action(commands.validate);

  program
    .command('compile')
    .description('compile a graph into its unrolled forward and train-step IR')
    .argument('<file>', 'graph file (*.rnn.json)')
    .requiredOption('--steps <T>', 'time steps to unroll over', integer(1))
    .option('--batch <B>', 'batch size', integer(1), 1)
    .option('--out <ir.json>', 'write the IR (cell graph, forward and train step) as JSON')
    .addOption(maxSteps)
    .addOption(maxParameters)
    .addOption(json)
    .action(commands.compile);

  program
    .command('train')
    .description("train a graph on its dataset with its training settings")
    .argument('<file>', 'graph file (*.rnn.json)')
    .option('--epochs <N>', 'override the number of epochs', integer(1))
    .option('--seed <S>', 'override the seed', integer(0))
    .option('--out <model>', 'write the trained model (*.rnn-model.json)')
    .addOption(maxSteps)
    .addOption(maxParameters)
    .addOption(maxMemory)
    .addOption(executor)
    .addOption(json)
    .action(commands.train);

  program
    .command('predict')
    .description('run a trained model on inputs')
    .argument('<model>', 'model file (*.rnn-model.json)')
    .requiredOption('--input <input.json>', '{ "<input node id>": batch × time × features, or batch × time token ids }')
    .addOption(maxSteps)
    .addOption(executor)
    .addOption(json)
    .action(commands.predict);

  program
    .command('sample')
    .description('generate text from a trained character or word model')
    .argument('<model>', 'model file (*.rnn-model.json)')
    .option('--length <N>', 'tokens to generate', integer(0), 200)
    .option('--temperature <X>', 'sampling temperature (lower: safer, higher: more varied; 0: greedy)', nonNegative, 1)
    .addOption(new Option('--greedy', 'take the most probable token at every step (same as --temperature 0)').conflicts(['temperature', 'topK']))
    .option('--top-k <K>', 'draw only from the K most probable tokens (0: all of them)', integer(0), 0)
    .option('--reject <token>', 'never generate this token (repeatable; \\n, \\t, \\uXXXX name characters)', (token: string, all: string[] = []) => [...all, token])
    .option('--prime <text>', 'text the model reads before it starts generating')
    .option('--seed <S>', 'random seed for sampling', integer(0), 1)
    .addOption(maxSteps)
    .addOption(executor)
    .addOption(json)
    .action(commands.sample);

  program
    .command('forecast')
    .description('forecast the next values of a series with a model trained on windows of it')
    .argument('<model>', 'model file (*.rnn-model.json)')
    .requiredOption('--history <file>', 'the series so far, oldest first: a JSON array, or one value per line (CSV)')
    .requiredOption('--steps <N>', 'values to forecast', integer(1))
    .option('--window <W>', 'values the model reads per prediction (default: the window it was trained on)', integer(1))
    .option('--model-scale', "history and forecast are on the model's own scale: no normalisation")
    .addOption(maxSteps)
    .addOption(executor)
    .addOption(json)
    .action(commands.forecast);

  registerImportWeights(program);
  registerExport(program);

  program
    .command('serve')
    .description('serve the app to a browser on this computer, with the engine behind it')
    .option('--port <P>', 'port on 127.0.0.1 (0: any free port)', portNumber, 0)
    .option('--workspace <DIR>', 'folder the app opens and saves files in (default: the current folder)')
    .option('--open', 'open the app in the default browser')
    .addOption(executor)
    .addOption(json)
    .action(serveCommand);

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    if (e instanceof UserError) {
      process.stderr.write([e.message, ...e.details].map((line) => `rnn-studio: ${oneLine(line)}\n`).join(''));
      return 1;
    }
    if (e instanceof Interrupted) {
      process.stderr.write(`rnn-studio: stopped: ${oneLine(e.message)}\n`);
      return 130;
    }
    if (e instanceof CompileError || e instanceof InputError || e instanceof BudgetError) {
      process.stderr.write(`rnn-studio: ${oneLine(e.message)}\n`);
      return 1;
    }
    throw e;
  }
}

// Run when executed as the program, not when imported by tests.
if (process.argv[1] && /rnn-studio(\.js)?$|cli[\\/]main\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`rnn-studio: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(70);
    },
  );
}
