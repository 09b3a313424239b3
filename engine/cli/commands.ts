/** The CLI's commands. Each reads its files, runs the engine and reports in text or JSON lines. */
import { dirname } from 'node:path';
import cliProgress from 'cli-progress';

import { type BudgetOverrides, type Budgets, budgetsFrom, checkSteps } from '../compiler/budgets.ts';
import { compileGraph, compileWork } from '../compiler/compile.ts';
import { formatDiagnostic } from '../graph/diagnostics.ts';
import { analyzeGraph } from '../compiler/validate.ts';
import type { Dataset } from '../datasets/index.ts';
import { chooseExecutor, type ChosenExecutor, type ExecutorChoice } from '../executors/index.ts';
import { forecast, forecastInput, modelForecastSettings } from '../inference/forecast.ts';
import { InputError, predict } from '../inference/predict.ts';
import { sample } from '../inference/sample.ts';
import { resolveTraining } from '../graph/schema.ts';
import { irToJson } from '../ir/json.ts';
import { saveFileAtomic } from '../model/atomic.ts';
import { checkWeightsAgainst, weightsToMap, writeModel } from '../model/file.ts';
import { drive } from '../trainer/drive.ts';
import { type SetupPhase, type SetupProgress, train, TrainingCancelled, type TrainEvent } from '../trainer/train.ts';
import { Interrupted, oneLine, UserError } from './errors.ts';
import { datasetOf, failOnErrors, generateDatasetOf, readGraph, readJson, readModel, readText, streamsOf } from './files.ts';

const out = (line: unknown) => process.stdout.write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);
const fmt = (x: number) => (Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(4) : x.toExponential(3));

/** The budgets: defaults, raised by the environment, then by the command's --max-* options. */
function budgetsOf(o: BudgetOverrides): Budgets {
  try {
    return budgetsFrom(process.env, o);
  } catch (e) {
    throw new UserError(e instanceof Error ? e.message : String(e));
  }
}

/**
 * Ctrl-C aborts the returned signal and says so; a second one ends the process at once. The
 * handler holds until `release` is called.
 */
function stopOnSigint(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    err('stopping… (Ctrl-C again to quit at once)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}

/**
 * Runs `phase` of a command with what `setupReporter` prints about it; Ctrl-C (`signal`) stops it
 * with exit 130 and a line naming the phase.
 */
async function cancellable<T>(file: string, phase: SetupPhase, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (signal.aborted) throw new Interrupted(`${file}: ${new TrainingCancelled(phase).message}`);
    throw e;
  }
}

/** How long a setup phase runs before its progress is printed: $RNN_STUDIO_PROGRESS_AFTER_MS, default 500. */
function progressAfterMs(): number {
  const set = Number(process.env.RNN_STUDIO_PROGRESS_AFTER_MS);
  return Number.isFinite(set) && set >= 0 ? set : 500;
}

/**
 * How far each setup phase is, at most once a second, once the phase has lasted `quietMs` (so a
 * quick one prints nothing); preparing the executor, which reports no progress and cannot be
 * interrupted, says so as it starts.
 */
function setupReporter(quietMs = progressAfterMs()): (e: SetupProgress) => void {
  let phase: SetupPhase | null = null;
  let started = 0;
  let last = -Infinity;
  return (e) => {
    const now = performance.now();
    if (phase !== e.phase) [phase, started, last] = [e.phase, now, -Infinity];
    if (e.phase === 'prepare') {
      if (e.done === 0) err('preparing the executor (this cannot be interrupted; Ctrl-C takes effect once it is done)…');
      return;
    }
    if (e.done === e.total || now - started < quietMs || now - last < 1000) return;
    last = now;
    const percent = `${Math.floor((100 * e.done) / Math.max(e.total, 1))}%`;
    switch (e.phase) {
      case 'dataset':
        return err(`generating the dataset: ${percent}`);
      case 'compile':
        return err(`compiling the graph: ${percent}`);
      case 'initialise':
        return err(`initialising the weights: ${percent} of ${e.total.toLocaleString('en-US')} parameters`);
    }
  };
}

async function validate(file: string, o: { json?: boolean } & BudgetOverrides): Promise<void> {
  const budgets = budgetsOf(o);
  const graph = readGraph(file);
  const diagnostics = analyzeGraph(graph, streamsOf(datasetOf(graph, file)), budgets).diagnostics;
  if (o.json) for (const d of diagnostics) out({ type: 'diagnostic', file, ...d });
  else {
    for (const d of diagnostics) err(oneLine(`${file}: ${formatDiagnostic(d)}`));
    if (!diagnostics.some((d) => d.severity === 'error')) out(`${file}: valid — ${graph.nodes.length} blocks, ${graph.edges.length} connections`);
  }
  failOnErrors(file, diagnostics);
}

async function compile(file: string, o: { steps: number; batch: number; out?: string; json?: boolean } & BudgetOverrides): Promise<void> {
  const budgets = budgetsOf(o);
  checkSteps(o.steps, budgets.steps);
  const graph = readGraph(file);
  const sigint = stopOnSigint();
  const report = o.json ? () => {} : setupReporter();
  let c;
  try {
    const { signal } = sigint;
    const spec = graph.dataset;
    const dataset = spec && (await cancellable(file, 'dataset', signal, () => generateDatasetOf(spec, file, { signal, onProgress: (done) => report({ phase: 'dataset', done, total: 1 }) })));
    const streams = streamsOf(dataset);
    failOnErrors(file, analyzeGraph(graph, streams, budgets).diagnostics);
    c = await cancellable(file, 'compile', signal, () =>
      drive(compileWork(graph, { steps: o.steps, batch: o.batch, streams, budgets }), { signal, onProgress: (done) => report({ phase: 'compile', done, total: 1 }) }),
    );
  } finally {
    sigint.release();
  }
  const count = (phase: string) => c.train.nodes.filter((n) => n.phase === phase).length;
  const summary = {
    type: 'compiled',
    file,
    steps: c.steps,
    batch: c.batch,
    cellNodes: c.cell.nodes.length,
    delays: c.cell.nodes.filter((n) => n.kind === 'delay').length,
    forwardNodes: c.forward.nodes.length,
    trainNodes: { forward: count('forward'), backward: count('backward') },
    weights: c.weights.map((w) => ({ param: w.param, shape: w.shape })),
    parameters: c.weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0),
  };
  if (o.out) saveFileAtomic(o.out, `${JSON.stringify({ format: 'rnn-studio.ir', version: 1, steps: c.steps, batch: c.batch, cell: c.cell, forward: irToJson(c.forward), train: irToJson(c.train) })}\n`);
  if (o.json) {
    out(o.out ? { ...summary, out: o.out } : summary);
    return;
  }
  out(`${file}: compiled for T=${c.steps}, batch ${c.batch}`);
  out(`  cell graph   ${summary.cellNodes} nodes (${summary.delays} delays)`);
  out(`  forward IR   ${summary.forwardNodes} nodes`);
  out(`  train step   ${c.train.nodes.length} nodes (${summary.trainNodes.forward} forward, ${summary.trainNodes.backward} backward)`);
  out(`  weights      ${summary.parameters} parameters in ${c.weights.length} tensors`);
  for (const w of c.weights) out(`    ${w.param.padEnd(28)} [${w.shape.join(', ')}]`);
  if (o.out) out(`  IR written to ${o.out}`);
}

async function trainCommand(file: string, o: { epochs?: number; seed?: number; out?: string; executor: ExecutorChoice; json?: boolean } & BudgetOverrides): Promise<void> {
  const budgets = budgetsOf(o);
  const graph = readGraph(file);
  const spec = graph.dataset;
  if (!spec) throw new UserError(`${file}: the graph has no "dataset" section to train on`);
  const setupReport = o.json ? undefined : setupReporter();
  const sigint = stopOnSigint();
  let dataset: Dataset;
  let chosen: ChosenExecutor;
  try {
    const { signal } = sigint;
    dataset = await cancellable(file, 'dataset', signal, () => generateDatasetOf(spec, file, { signal, onProgress: (done) => setupReport?.({ phase: 'dataset', done, total: 1 }) }));
    failOnErrors(file, analyzeGraph(graph, streamsOf(dataset), budgets).diagnostics);
    chosen = await chooseExecutor(o.executor);
  } catch (e) {
    sigint.release();
    throw e;
  }
  const { executor, reason } = chosen;
  const settings = { ...resolveTraining(graph.training), ...(o.epochs ? { epochs: o.epochs } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) };
  const bar = !o.json && process.stderr.isTTY ? new cliProgress.SingleBar({ format: ' epoch {epoch}/{epochs} {bar} {percentage}% | loss {loss} | {sps} steps/s', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
  let totalSteps = 0;
  const report = (e: TrainEvent) => {
    if (o.json) {
      out(e);
      return;
    }
    switch (e.type) {
      case 'start':
        err(`training ${graph.name || file} on '${dataset.type}' (${e.examples} examples × ${e.steps} steps, batch ${e.batchSize}, ${e.parameters} parameters)`);
        err(`executor: ${e.executor.name} (${e.executor.device}, ${e.executor.version})${e.executorReason ? ` — ${e.executorReason}` : ''}`);
        totalSteps = e.batchesPerEpoch * e.epochs;
        bar?.start(totalSteps, 0, { epoch: 1, epochs: e.epochs, loss: '…', sps: '…' });
        return;
      case 'step':
        bar?.update(e.step, { epoch: e.epoch, loss: fmt(e.loss), sps: e.stepsPerSecond.toFixed(0) });
        return;
      case 'epoch':
        if (!bar) err(`epoch ${e.epoch}: loss ${fmt(e.loss)}${Object.entries(e.metrics).map(([k, v]) => `, ${k} ${fmt(v)}`).join('')} (${e.seconds.toFixed(2)} s)`);
        return;
      case 'end':
        bar?.stop();
        return;
    }
  };
  const started = performance.now();
  let result;
  try {
    result = await train({ graph, dataset, settings, executor, executorReason: reason, signal: sigint.signal, budgets, onEvent: report, onProgress: setupReport });
  } catch (e) {
    if (e instanceof TrainingCancelled) throw new Interrupted(`${file}: ${e.message}`);
    throw e;
  } finally {
    sigint.release();
    bar?.stop();
    await executor.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  const last = result.history.at(-1);
  if (!o.json) {
    err(`${result.end.reason}: ${result.end.message} in ${seconds.toFixed(1)} s`);
    if (last) out(`final loss ${fmt(last.loss)}${Object.entries(last.metrics).map(([k, v]) => `, ${k} ${fmt(v)}`).join('')}`);
    if (dataset.baseline) out(`baseline (${dataset.baseline.metric}) ${fmt(dataset.baseline.value)}: ${dataset.baseline.description}`);
  }
  if (o.out) {
    const text = writeModel({
      graph,
      weights: result.weights,
      weightInfo: result.weightInfo,
      encoding: 'base64',
      training: {
        epochs: result.end.epochs,
        steps: result.end.steps,
        finalLoss: last?.loss ?? null,
        dataset: graph.dataset,
        vocabulary: dataset.vocabulary ? [...dataset.vocabulary] : undefined,
        normalisation: dataset.normalisation,
        seed: settings.seed,
        history: result.history.map((e) => ({ ...e, metrics: { ...e.metrics } })),
        savedAt: new Date().toISOString(),
      },
    });
    saveFileAtomic(o.out, text);
    if (o.json) out({ type: 'saved', path: o.out });
    else err(`model written to ${o.out}`);
  }
  if (result.end.reason === 'diverged') throw new UserError(`${file}: ${result.end.message}`);
  if (sigint.signal.aborted) throw new Interrupted(`${file}: ${result.end.message}`);
}

function loadedModel(file: string) {
  const model = readModel(file);
  const weights = weightsToMap(model);
  const problems = checkWeightsAgainst(compileGraph(model.graph, { steps: 1, batch: 1 }).weights, weights);
  if (problems.length) throw new UserError(`${file}: ${problems[0]}`, problems.slice(1).map((p) => `${file}: ${p}`));
  return { model, weights };
}

async function predictCommand(file: string, o: { input: string; executor: ExecutorChoice; json?: boolean } & BudgetOverrides): Promise<void> {
  const budgets = budgetsOf(o);
  const { model, weights } = loadedModel(file);
  const input = readJson(o.input);
  const { executor } = await chooseExecutor(o.executor);
  try {
    const result = await predict(model.graph, weights, input, executor, budgets);
    if (o.json) out({ type: 'prediction', ...result });
    else out(JSON.stringify(result.outputs, null, 2));
  } finally {
    await executor.dispose();
  }
}

/** Runs an inference call; its InputErrors (a bad option for this model) name the model file. */
async function inModel<T>(file: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof InputError) throw new UserError(`${file}: ${e.message}`);
    throw e;
  }
}

/**
 * A `--reject` argument as a vocabulary token: the text itself when the vocabulary has it, else
 * the text read as a JSON string body, so `\n`, `\t` or `\u00e9` name characters that are hard
 * to type in a shell. Unknown tokens are passed on as given, for sample() to name in its error.
 */
export function rejectToken(arg: string, vocabulary: readonly string[]): string {
  if (vocabulary.includes(arg) || !arg.includes('\\')) return arg;
  try {
    const unescaped: unknown = JSON.parse(`"${arg}"`);
    return typeof unescaped === 'string' && vocabulary.includes(unescaped) ? unescaped : arg;
  } catch {
    return arg;
  }
}

async function sampleCommand(
  file: string,
  o: { length: number; temperature: number; greedy?: boolean; topK: number; reject?: string[]; prime?: string; seed: number; executor: ExecutorChoice; json?: boolean } & BudgetOverrides,
): Promise<void> {
  const budgets = budgetsOf(o);
  const { model, weights } = loadedModel(file);
  const vocabulary = model.training?.vocabulary;
  if (!vocabulary) throw new UserError(`${file}: the model has no vocabulary; it was not trained on a text dataset`);
  const options = {
    length: o.length,
    temperature: o.greedy ? 0 : o.temperature,
    topK: o.topK,
    reject: (o.reject ?? []).map((token) => rejectToken(token, vocabulary)),
    prime: o.prime,
    seed: o.seed,
  };
  const { executor } = await chooseExecutor(o.executor);
  try {
    const text = await inModel(file, () => sample(model.graph, weights, vocabulary, options, executor, budgets));
    if (o.json) out({ type: 'sample', text });
    else out(text);
  } finally {
    await executor.dispose();
  }
}

/**
 * A series from a file: a JSON array of numbers (`*.json`), or one value per line (CSV or plain
 * text; blank lines and a first line of column names are skipped). Errors name the line.
 */
export function readHistory(path: string): number[] {
  const values: number[] = [];
  if (/\.json$/i.test(path)) {
    const json = readJson(path);
    if (!Array.isArray(json)) throw new UserError(`${path}: expected a JSON array of numbers, oldest first`);
    json.forEach((v: unknown, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError(`${path}: value ${i} is ${JSON.stringify(v)}, not a finite number`);
      values.push(v);
    });
  } else {
    const lines = readText(path).split(/\r\n?|\n/);
    let first = true;
    lines.forEach((line, i) => {
      const text = line.trim();
      if (text === '') return;
      const header = first && /^[A-Za-z_"]/.test(text) && !/^(nan|inf)/i.test(text);
      first = false;
      if (header) return;
      if (/[,;\t]/.test(text)) throw new UserError(`${path} line ${i + 1}: expected one value per line, got ${JSON.stringify(text)}`);
      const value = Number(text);
      if (!Number.isFinite(value)) throw new UserError(`${path} line ${i + 1}: ${JSON.stringify(text)} is not a finite number`);
      values.push(value);
    });
  }
  if (values.length === 0) throw new UserError(`${path}: no values`);
  return values;
}

async function forecastCommand(
  file: string,
  o: { history: string; steps: number; window?: number; modelScale?: boolean; executor: ExecutorChoice; json?: boolean } & BudgetOverrides,
): Promise<void> {
  const budgets = budgetsOf(o);
  const { model, weights } = loadedModel(file);
  // The model's shape first: no point reading the history or regenerating a dataset for a text model.
  await inModel(file, async () => forecastInput(model.graph));
  const history = readHistory(o.history);
  const settings = await inModel(file, async () => modelForecastSettings(model, dirname(file)));
  const window = o.window ?? settings.window ?? history.length;
  if (history.length < window) {
    const why = o.window ? '--window' : settings.window ? 'the window it was trained on' : 'the window';
    throw new UserError(`${o.history}: ${history.length} values; the model reads ${window} at a time (${why}), so give at least ${window}`);
  }
  const normalisation = o.modelScale ? undefined : settings.normalisation;
  const { executor } = await chooseExecutor(o.executor);
  try {
    const result = await inModel(file, () => forecast(model.graph, weights, { history, steps: o.steps, window, normalisation }, executor, budgets));
    const from = o.modelScale ? 'off' : settings.normalisationFrom;
    if (o.json) {
      out({ type: 'forecast', steps: o.steps, window, normalisation: normalisation ?? null, normalisationFrom: from, values: result.values, scaled: result.scaled });
      return;
    }
    const scale = normalisation
      ? `min–max normalisation [${normalisation.min}, ${normalisation.max}] (${from === 'model' ? 'recorded in the model file' : 'from its regenerated dataset'})`
      : o.modelScale
        ? "values on the model's own scale (--model-scale)"
        : 'no normalisation';
    err(`forecasting ${o.steps} values from the last ${window} of ${history.length}; ${scale}`);
    for (const v of result.values) out(String(Number(v.toPrecision(7))));
  } finally {
    await executor.dispose();
  }
}

export const commands = { validate, compile, train: trainCommand, predict: predictCommand, sample: sampleCommand, forecast: forecastCommand };
