/**
 * Multi-step forecasting with a model trained on windows of a series (a window of W values → the
 * next value, as on the sine dataset): predict the next value, append it to the window, drop the
 * oldest, and repeat, so from the third prediction on the model reads its own predictions.
 *
 * Datasets that min–max scale their series to [-1, 1] record { min, max }; forecasting scales the
 * history the same way and scales the predictions back, so both are in the units of the raw data.
 */
import { sources } from '../blocks/roles.ts';
import { type Budgets, checkInputSteps, DEFAULT_BUDGETS } from '../compiler/budgets.ts';
import { compileGraph } from '../compiler/compile.ts';
import { loadDataset, normalisationProblem, type Dataset } from '../datasets/index.ts';
import { datasetFiles } from '../files/dataset-files.ts';
import { type Executor, float32, type Tensor } from '../executors/index.ts';
import type { GraphDocument } from '../graph/schema.ts';
import type { ModelFile } from '../model/file.ts';
import type { Weights } from '../model/init.ts';
import { InputError } from './predict.ts';

/** raw = min + (v + 1) / 2 · (max − min), as the datasets write it. */
export type Normalisation = NonNullable<Dataset['normalisation']>;

export interface ForecastOptions {
  /** The series so far, oldest first. In raw units when `normalisation` is given, else on the model's scale. */
  readonly history: readonly number[];
  /** How many values to predict (≥ 1). */
  readonly steps: number;
  /** Values the model reads per prediction; the last `window` values of history start it. Default: all of history. */
  readonly window?: number;
  /** The min–max scaling the model was trained with: applied to history, undone on the forecast. */
  readonly normalisation?: Normalisation;
}

export interface Forecast {
  /** The `steps` predicted values, in the units of history. */
  readonly values: number[];
  /** The same values on the model's scale (what the network produced, [-1, 1] for normalised data). */
  readonly scaled: number[];
  readonly window: number;
}

/** v = (raw − min) · 2 / (max − min) − 1; a flat series (max = min) maps to −1, as in the sine dataset. */
export const normalise = (raw: number, { min, max }: Normalisation): number => (raw - min) * (max > min ? 2 / (max - min) : 0) - 1;
export const denormalise = (v: number, { min, max }: Normalisation): number => min + ((v + 1) / 2) * (max - min);

/**
 * The input block a forecast feeds: the graph must have one input, a dense sequence of one
 * feature, so each prediction can be fed back as the next step. Throws InputError otherwise.
 */
export function forecastInput(graph: GraphDocument): { id: string; stream: string } {
  const inputs = sources(graph);
  if (inputs.length !== 1) throw new InputError(`forecasting needs a model with exactly one input block, this one has ${inputs.length}`);
  const [input] = inputs;
  const { kind, size, tokens } = input.type;
  if (tokens) throw new InputError(`forecasting needs a dense input; input '${input.id}' reads token ids (use sample for text models)`);
  if (kind !== 'sequence') throw new InputError(`forecasting needs a sequence input (a window of values); input '${input.id}' reads one vector per example`);
  if (size !== 1) throw new InputError(`forecasting feeds each prediction back as the next value, so input '${input.id}' must read 1 feature per step; it reads ${size}`);
  return { id: input.id, stream: input.stream };
}

/**
 * Forecasts `o.steps` values after `o.history` by sliding the window: each prediction is
 * appended and the oldest value dropped. The model runs on a [W, 1, 1] window and must predict
 * one value ([1, 1], or [W, 1, 1] of which the last step is taken). Throws InputError for bad
 * options, a graph that cannot forecast, or a prediction that is not finite; BudgetError for a
 * window or a forecast longer than `budgets.inputSteps`.
 */
export async function forecast(graph: GraphDocument, weights: Weights, o: ForecastOptions, executor: Executor, budgets: Pick<Budgets, 'inputSteps'> = DEFAULT_BUDGETS): Promise<Forecast> {
  const { stream } = forecastInput(graph);
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new InputError(`steps must be a positive integer, got ${o.steps}`);
  const bad = o.history.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) {
    const v: unknown = o.history[bad];
    throw new InputError(`history value ${bad} is ${typeof v === 'number' ? v : JSON.stringify(v)}, not a finite number`);
  }
  const window = o.window ?? o.history.length;
  if (!Number.isInteger(window) || window < 1) throw new InputError(`the window must be a positive integer, got ${window}`);
  if (o.history.length < window) throw new InputError(`history has ${o.history.length} values; the window needs ${window}`);
  checkInputSteps(window, 'the window', budgets.inputSteps);
  checkInputSteps(o.steps, 'the forecast', budgets.inputSteps);
  const scaling = o.normalisation;
  const unusable = scaling && normalisationProblem(scaling);
  if (unusable) throw new InputError(`normalisation: ${unusable}`);

  const compiled = compileGraph(graph, { steps: window, batch: 1, budgets: { ...DEFAULT_BUDGETS, steps: budgets.inputSteps } });
  const outNames = Object.keys(compiled.forward.outputs).filter((k) => k.startsWith('out:'));
  if (outNames.length !== 1) throw new InputError(`forecasting needs a model with exactly one output block, this one has ${outNames.length}`);
  const [outName] = outNames;
  const forward = { nodes: compiled.forward.nodes, outputs: { [outName]: compiled.forward.outputs[outName] } };
  const weightFeeds: Record<string, Tensor> = {};
  for (const w of compiled.weights) {
    const data = weights.get(w.param);
    if (!data) throw new InputError(`the model has no weight '${w.param}'`);
    weightFeeds[w.param] = float32(w.shape, data);
  }
  const program = await executor.prepare(forward, { name: `forecast:T${window}` });
  try {
    program.bind(weightFeeds);
    // The window on the model's scale, oldest first; float64 here, float32 once fed.
    const series = o.history.slice(-window).map((v) => (scaling ? normalise(v, scaling) : v));
    const scaled: number[] = [];
    for (let step = 0; step < o.steps; step++) {
      const { shape, data } = (await program.run({ [stream]: float32([window, 1, 1], Float32Array.from(series.slice(-window))) }))[outName];
      if (shape.at(-1) !== 1 || data.length !== (shape.length === 3 ? window : 1))
        throw new InputError(`forecasting needs a model that predicts 1 value per window; output '${outName.slice(4)}' has shape [${shape.join(', ')}]`);
      const next = data[data.length - 1];
      if (!Number.isFinite(next)) throw new InputError(`the model predicted ${next} at forecast step ${step + 1}`);
      scaled.push(next);
      series.push(next);
    }
    return { values: scaled.map((v) => (scaling ? denormalise(v, scaling) : v)), scaled, window };
  } finally {
    await program.dispose();
  }
}

/** Where a model's forecast settings came from, for the user to see. */
export interface ModelForecastSettings {
  /** The dataset's window (its steps per example), when the model names its dataset. */
  readonly window: number | undefined;
  readonly normalisation: Normalisation | undefined;
  /** 'model': recorded in the model file; 'dataset': regenerated from its dataset spec; 'none': its data were not normalised. */
  readonly normalisationFrom: 'model' | 'dataset' | 'none';
}

/**
 * The window and normalisation a model was trained with. The normalisation recorded in the model
 * file (training.normalisation) wins; a file without it (written by hand or by an older version)
 * gets it by regenerating its dataset (training.dataset, else the graph's dataset) with the same
 * params and seed, which gives the same series and so the same min and max. The window is the
 * dataset's steps per example. Relative dataset paths resolve against `baseDir`.
 * Throws InputError when the normalisation is needed and the dataset cannot be regenerated.
 */
export function modelForecastSettings(model: ModelFile, baseDir: string): ModelForecastSettings {
  const stored = model.training?.normalisation;
  const spec = model.training?.dataset ?? model.graph.dataset;
  if (!spec) return { window: undefined, normalisation: stored, normalisationFrom: stored ? 'model' : 'none' };
  const loaded = loadDataset(spec, datasetFiles(baseDir));
  if (!loaded.ok) {
    if (stored) return { window: undefined, normalisation: stored, normalisationFrom: 'model' };
    throw new InputError(`the model file does not record its normalisation, and regenerating its dataset to find it failed: ${loaded.error}`);
  }
  const normalisation = stored ?? loaded.value.normalisation;
  return { window: loaded.value.steps, normalisation, normalisationFrom: stored ? 'model' : normalisation ? 'dataset' : 'none' };
}
