/**
 * What the settings forms of the Training tab are made from: the training settings' JSON Schema
 * with the values that apply when a field is left empty shown as its defaults, the usual settings
 * of each optimizer and schedule for when the user switches to it, what early stopping and
 * truncated BPTT start with when switched on, and the i18n keys of field labels and help.
 */
import { z } from 'zod';
import {
  EarlyStopping,
  type LearningRateSchedule,
  type Optimizer,
  resolveTraining,
  TrainingSettings,
  TruncatedBptt,
} from '../../engine/graph/schema.ts';

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

/**
 * Settings a learning-rate schedule starts with when the user picks it. Cosine annealing spans
 * the run's epochs (`cosineEpochs`), so it ends where training does.
 */
export function schedulePresets(cosineEpochs: number): { readonly [K in LearningRateSchedule['type']]: Extract<LearningRateSchedule, { type: K }> } {
  return {
    none: { type: 'none' },
    step: { type: 'step', every: 10, factor: 0.5 },
    exponential: { type: 'exponential', decayRate: 0.95 },
    cosine: { type: 'cosine', epochs: cosineEpochs, minLearningRate: 0 },
  };
}

const isScheduleType = (type: string): type is LearningRateSchedule['type'] => Object.hasOwn(schedulePresets(1), type);

/** What early stopping and truncated BPTT hold when switched on. */
export const EARLY_STOPPING_PRESET: z.infer<typeof EarlyStopping> = { patience: 5, minDelta: 0 };
export const TRUNCATED_BPTT_PRESET: z.infer<typeof TruncatedBptt> = { steps: 10 };

/** "Every N steps" starts at this N for the gradient norms over time. */
export const GRADIENT_NORMS_EVERY = 10;

/** SchemaForm's `variantDefaults` for the optimizer alone. */
export function optimizerPreset(key: string, type: string): Json | undefined {
  if (key !== 'optimizer' || !isOptimizerType(type)) return undefined;
  const { type: _type, ...fields } = OPTIMIZER_PRESETS[type];
  return fields;
}

/** SchemaForm's `variantDefaults` for the training form: optimizers and schedules, for these settings. */
export function variantPresets(settings: TrainingSettings | undefined): (key: string, type: string) => Json | undefined {
  const epochs = resolveTraining(settings).epochs;
  return (key, type) => {
    if (key === 'optimizer') return optimizerPreset(key, type);
    if (key !== 'schedule' || !isScheduleType(type)) return undefined;
    const { type: _type, ...fields } = schedulePresets(epochs)[type];
    return fields;
  };
}

/** SchemaForm's `groupDefaults` for the training form. */
export function groupPreset(key: string): Json | undefined {
  if (key === 'earlyStopping') return { ...EARLY_STOPPING_PRESET };
  if (key === 'truncatedBptt') return { ...TRUNCATED_BPTT_PRESET };
  return undefined;
}

/**
 * The JSON Schema of the training settings, each top-level field carrying the value the trainer
 * uses when it is not set (shown as the field's placeholder, or as the choice made when empty).
 */
export function trainingFormSchema(): Json {
  const schema = z.toJSONSchema(TrainingSettings, { io: 'input' }) as Json;
  const resolved = resolveTraining(undefined);
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const defaults: Json = {
    epochs: resolved.epochs,
    batchSize: resolved.batchSize,
    seed: resolved.seed,
    clipNorm: resolved.clipNorm,
    clipValue: resolved.clipValue,
    schedule: resolved.schedule,
    validationSplit: resolved.validationSplit,
    gradientNormsOverTime: resolved.gradientNormsOverTime,
  };
  const withDefaults = Object.fromEntries(
    Object.entries(properties).map(([key, prop]) => [key, isRecord(prop) && key in defaults ? { ...prop, default: defaults[key] } : prop]),
  );
  const norms = withDefaults.gradientNormsOverTime;
  if (isRecord(norms) && Array.isArray(norms.anyOf))
    withDefaults.gradientNormsOverTime = { ...norms, anyOf: norms.anyOf.map((a: unknown) => (isRecord(a) && a.type === 'integer' ? { ...a, default: GRADIENT_NORMS_EVERY } : a)) };
  return { ...schema, properties: withDefaults };
}

/** The last part of a dotted field path (`optimizer.learningRate` → `learningRate`). */
export const leafKey = (dotted: string): string => dotted.slice(dotted.lastIndexOf('.') + 1);

const parentOf = (dotted: string): string => dotted.slice(0, Math.max(0, dotted.lastIndexOf('.')));

/**
 * i18n keys (namespace 'training') for a training settings field, the first one found wins: a
 * nested field's own text (`settings.byParent.schedule.epochs`, where a key means something else
 * at the top level), then the text of its key anywhere (`settings.epochs`).
 */
export const settingsLabelKeys = (dotted: string): string[] => keysFor('settings', dotted);
export const settingsHelpKeys = (dotted: string): string[] => keysFor('settingsHelp', dotted);

function keysFor(group: string, dotted: string): string[] {
  const parent = parentOf(dotted);
  const general = `${group}.${leafKey(dotted)}`;
  return parent ? [`${group}.byParent.${parent}.${leafKey(dotted)}`, general] : [general];
}

/** i18n keys of the choices of a training settings field (a schedule, an optimizer, how often). */
export const settingsOptionKey = (dotted: string, option: string): string => `settingsOption.${dotted}.${option}`;

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
