/**
 * What the settings forms of the Training tab are made from: the training settings' JSON Schema
 * with the values that apply when a field is left empty shown as its defaults, each optimizer's
 * usual settings for when the user switches to it, and the i18n keys of field labels and help.
 */
import { z } from 'zod';
import { resolveTraining, TrainingSettings, type Optimizer } from '../../engine/graph/schema.ts';

type Json = Record<string, unknown>;

const isRecord = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Settings an optimizer starts with when the user picks it (a learning rate already set is kept). */
export const OPTIMIZER_PRESETS: { readonly [K in Optimizer['type']]: Extract<Optimizer, { type: K }> } = {
  sgd: { type: 'sgd', learningRate: 0.01 },
  momentum: { type: 'momentum', learningRate: 0.01, momentum: 0.9 },
  rmsprop: { type: 'rmsprop', learningRate: 0.001, rho: 0.9, epsilon: 1e-7 },
  // The trainer's own default (DEFAULT_OPTIMIZER); a test keeps the two the same.
  adam: { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
};

export const isOptimizerType = (type: string): type is Optimizer['type'] => Object.hasOwn(OPTIMIZER_PRESETS, type);

/** SchemaForm's `variantDefaults` for the training form. */
export function optimizerPreset(key: string, type: string): Json | undefined {
  if (key !== 'optimizer' || !isOptimizerType(type)) return undefined;
  const { type: _type, ...fields } = OPTIMIZER_PRESETS[type];
  return fields;
}

/**
 * The JSON Schema of the training settings, each top-level field carrying the value the trainer
 * uses when it is not set (shown as the field's placeholder).
 */
export function trainingFormSchema(): Json {
  const schema = z.toJSONSchema(TrainingSettings, { io: 'input' }) as Json;
  const resolved = resolveTraining(undefined);
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const defaults: Json = { epochs: resolved.epochs, batchSize: resolved.batchSize, seed: resolved.seed, clipNorm: resolved.clipNorm };
  const withDefaults = Object.fromEntries(
    Object.entries(properties).map(([key, prop]) => [key, isRecord(prop) && key in defaults ? { ...prop, default: defaults[key] } : prop]),
  );
  return { ...schema, properties: withDefaults };
}

/** The last part of a dotted field path (`optimizer.learningRate` → `learningRate`). */
export const leafKey = (dotted: string): string => dotted.slice(dotted.lastIndexOf('.') + 1);

/** i18n keys (namespace 'training') for a training settings field. */
export const settingsLabelKey = (dotted: string): string => `settings.${leafKey(dotted)}`;
export const settingsHelpKey = (dotted: string): string => `settingsHelp.${leafKey(dotted)}`;

/** i18n keys for a dataset param: the help specific to the dataset kind first, then the general one. */
export const datasetLabelKey = (dotted: string): string => `datasetParam.${leafKey(dotted)}`;
export const datasetHelpKeys = (datasetType: string, dotted: string): string[] => [
  `datasetParamHelp.byType.${datasetType}.${leafKey(dotted)}`,
  `datasetParamHelp.${leafKey(dotted)}`,
];

/** The training settings as the form edits them (an object, never undefined). */
export const trainingValue = (settings: TrainingSettings | undefined): Json => ({ ...(settings ?? {}) });

/**
 * The form's object back as document settings (`settings` undefined when nothing is set, so a
 * document whose user cleared every field saves without a `training` key); null when it is not
 * valid settings, which SchemaForm's validation keeps from happening.
 */
export function trainingFromForm(next: Json): { settings: TrainingSettings | undefined } | null {
  const parsed = TrainingSettings.safeParse(next);
  if (!parsed.success) return null;
  return { settings: Object.keys(parsed.data).length === 0 ? undefined : parsed.data };
}
