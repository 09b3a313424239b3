// Runs the test files under test/ with Node's own test runner, TypeScript loaded by tsx.
// (Node 20's `--test` does not expand globs itself.)
//
//   node scripts/run-tests.mjs [--tier all|fast|slow|e2e] [--durations] [path-substring …]
//
// Tiers: `e2e` drives the built app in Chromium; `slow` is the files in SLOW below, which train
// networks, start other processes or run every block case; `fast` is every other file; `all` (the
// default, what `npm test` runs) is every file. Substrings narrow the tier to the files whose path
// contains one of them. `--durations` prints each file's wall time, slowest first, to keep SLOW true.
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const E2E = ['test/e2e/'];

/**
 * The slow tier: the files that take longest, chosen with --durations on the 2-core build machine
 * while it was busy, when each of these took 5 s or more and every other file 1 to 3 s (idle, they
 * take 1 to 80 s and the others about 1 s, most of it starting tsx). A file that grows as slow
 * moves here, so that test:fast stays near a minute.
 */
const SLOW = [
  'test/engine/behaviour/', // trains networks until they show what the lecture notes predict
  'test/engine/parity/', // TensorFlow.js
  'test/lint/', // ESLint with typescript-eslint
  // The CLI, PyTorch, a server, esbuild or electron-builder in another process.
  'test/engine/cli/cli.test.ts',
  'test/engine/cli/dataset-wall.test.ts',
  'test/engine/cli/fuzz.test.ts', // thousands of mutated graphs through validate and compile
  'test/engine/cli/budgets-cli.test.ts',
  'test/engine/model/import-weights-cli.test.ts',
  'test/engine/model/export-tfjs.test.ts', // TensorFlow.js loads each exported model from its files
  'test/engine/model/pytorch-import.test.ts',
  'test/engine/model/torch-real-parity.test.ts', // real PyTorch in one Python process, then T up to 40 on both executors
  'test/engine/blocks/torch-parity.test.ts',
  'test/engine/host/serve.test.ts',
  'test/engine/host/protocol-fuzz.test.ts', // a thousand hostile messages through the host's connections
  'test/engine/host/main.test.ts',
  'test/engine/host/interrupted-saves.test.ts',
  'test/engine/host/supervisor.test.ts',
  'test/electron/build.test.ts',
  'test/electron/electron-builder.test.ts',
  'test/electron/host-bundle.test.ts',
  'test/electron/main-bundle.test.ts',
  // Training, sampling and inference on ONNX Runtime.
  'test/engine/trainer/training.test.ts',
  'test/engine/trainer/dropout.test.ts',
  'test/engine/trainer/resume.test.ts',
  'test/engine/executors/onnx.test.ts',
  'test/engine/inference/export-onnx.test.ts', // every template exported, run and checked by Python's onnx
  'test/engine/cli/export-cli.test.ts',
  'test/engine/host/service.test.ts',
  'test/engine/host/service-training.test.ts',
  'test/engine/host/service-decode.test.ts',
  'test/engine/host/service-onnx.test.ts',
  'test/engine/host/train-stop.test.ts',
  'test/engine/host/checkpoints.test.ts',
  'test/engine/host/train-stop-early.test.ts',
  'test/engine/inference/decode.test.ts',
  'test/engine/inference/draw.test.ts',
  'test/engine/inference/forecast.test.ts',
  'test/engine/inference/sample.test.ts',
  // Every block case or template compiled, differentiated or run on both executors.
  'test/engine/blocks/gradients.test.ts',
  'test/engine/blocks/executor-parity.test.ts',
  'test/engine/blocks/keras-parity.test.ts',
  'test/engine/blocks/expand.test.ts',
  'test/engine/blocks/stacking.test.ts',
  'test/engine/blocks/attention.test.ts',
  'test/engine/blocks/bidirectional.test.ts',
  'test/engine/compiler/fingerprints.test.ts',
];

const TIERS = {
  all: () => true,
  e2e: (file) => E2E.some((prefix) => file.startsWith(prefix)),
  slow: (file) => SLOW.some((prefix) => file.startsWith(prefix)),
  fast: (file) => !TIERS.e2e(file) && !TIERS.slow(file),
};

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

function parseArgs(args) {
  const options = { tier: 'all', durations: false, filter: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--durations') options.durations = true;
    else if (arg === '--tier' || arg.startsWith('--tier=')) {
      options.tier = arg === '--tier' ? args[++i] : arg.slice('--tier='.length);
      if (!Object.hasOwn(TIERS, options.tier)) usage(`unknown tier "${options.tier}"`);
    } else if (arg.startsWith('--')) usage(`unknown option "${arg}"`);
    else options.filter.push(arg);
  }
  return options;
}

function usage(problem) {
  console.error(`run-tests: ${problem}\nusage: node scripts/run-tests.mjs [--tier ${Object.keys(TIERS).join('|')}] [--durations] [path-substring …]`);
  process.exit(2);
}

const { tier, durations, filter } = parseArgs(process.argv.slice(2));
const allFiles = findTests('test').map((file) => file.split('\\').join('/'));
// A renamed test file must not drop silently out of the slow tier into the fast one.
const stale = [...E2E, ...SLOW].filter((prefix) => !allFiles.some((file) => file.startsWith(prefix)));
if (stale.length > 0) usage(`scripts/run-tests.mjs lists ${stale.join(', ')}, which no test file matches`);
const files = allFiles
  .filter((file) => TIERS[tier](file) && (filter.length === 0 || filter.some((s) => file.includes(s))))
  .sort();
if (files.length === 0) usage(`no test file in tier "${tier}" matches ${filter.map((s) => `"${s}"`).join(' or ')}`);

const durationReporter = fileURLToPath(new URL('./test-durations.mjs', import.meta.url));
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout'];
if (durations) reporters.push(`--test-reporter=${durationReporter}`, '--test-reporter-destination=stderr');
// Fast files are short and mostly start-up, so they run as many at once as there are cores;
// the others keep Node's default (one core less), as they train with several threads each.
const concurrency = tier === 'fast' ? [`--test-concurrency=${availableParallelism()}`] : [];
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...concurrency, ...reporters, ...files], {
  stdio: 'inherit',
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
});
process.exit(result.status ?? 1);
