/**
 * The training settings form: its schema shows the trainer's defaults, every field it draws has a
 * label and help in both languages (and every choice a name), each optimizer and schedule preset
 * is valid (Adam's is the trainer's default), switching early stopping or truncated BPTT on or
 * choosing how often to measure gradient norms gives valid settings, and the form's object maps
 * back to document settings.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { DATASETS } from '../../../engine/datasets/index.ts';
import { DEFAULT_OPTIMIZER, EarlyStopping, LearningRateSchedule, Optimizer, resolveTraining, TruncatedBptt } from '../../../engine/graph/schema.ts';
import { applyEdit, type FormContext } from '../../../renderer/forms/form-drafts.ts';
import { booleanOrIntegerValue, fieldsOf, type FieldModel, objectDefaults, objectOff, setAt, switchVariant } from '../../../renderer/forms/schema-fields.ts';
import { zodValidator } from '../../../renderer/forms/zod-validator.ts';
import { training } from '../../../renderer/training/strings.ts';
import { TrainingSettings } from '../../../engine/graph/schema.ts';
import {
  datasetHelpKeys,
  datasetLabelKey,
  EARLY_STOPPING_PRESET,
  GRADIENT_NORMS_EVERY,
  groupPreset,
  OPTIMIZER_PRESETS,
  optimizerPreset,
  schedulePresets,
  settingsHelpKeys,
  settingsLabelKeys,
  settingsOptionKey,
  trainingFormSchema,
  trainingFromForm,
  TRUNCATED_BPTT_PRESET,
  variantPresets,
} from '../../../renderer/training/training-form.ts';

type Tree = { readonly [key: string]: string | Tree };
const lookup = (tree: Tree, key: string): string | undefined => {
  const found = key.split('.').reduce<string | Tree | undefined>((at, part) => (at === undefined || typeof at === 'string' ? undefined : at[part]), tree);
  return typeof found === 'string' ? found : undefined;
};

/** The first of `keys` that has a text. */
const first = (tree: Tree, keys: readonly string[]): string | undefined => keys.map((k) => lookup(tree, k)).find((text) => text !== undefined);

/** Every field path the form draws, variants' fields included (`optimizer.learningRate`). */
function paths(fields: readonly FieldModel[]): string[] {
  return fields.flatMap((f) => {
    const own = f.path.join('.');
    if (f.kind === 'object') return [own, ...paths(f.fields)];
    if (f.kind === 'variant') return [own, ...f.variants.flatMap((v) => paths(v.fields))];
    return [own];
  });
}

describe('training settings form', () => {
  const fields = fieldsOf(trainingFormSchema());

  test('shows the defaults the trainer applies to fields left empty', () => {
    const resolved = resolveTraining(undefined);
    const byKey = new Map(fields.map((f) => [f.key, f]));
    for (const key of ['epochs', 'batchSize', 'seed'] as const) {
      const f = byKey.get(key);
      assert.ok(f && f.kind === 'number', `${key} is a number field`);
      assert.equal(f.default, resolved[key]);
      assert.equal(f.required, false);
    }
    const clip = byKey.get('clipNorm');
    assert.ok(clip && clip.kind === 'number' && clip.nullable && clip.default === null, 'clipNorm: a number that may be empty (off)');
    const optimizer = byKey.get('optimizer');
    assert.ok(optimizer && optimizer.kind === 'variant');
    assert.deepEqual(optimizer.variants.map((v) => v.type).sort(), ['adam', 'momentum', 'rmsprop', 'sgd']);
  });

  test('every field has a label and help in English and Chinese', () => {
    const all = paths(fields);
    for (const path of ['optimizer.beta2', 'optimizer.nesterov', 'clipValue', 'schedule.every', 'schedule.minLearningRate', 'earlyStopping.patience', 'truncatedBptt.steps', 'gradientNormsOverTime'])
      assert.ok(all.includes(path), `the form draws ${path}`);
    for (const path of all) {
      for (const lang of ['en', 'zh'] as const) {
        assert.ok(first(training[lang], settingsLabelKeys(path)), `${lang} label of ${path}`);
        assert.ok(first(training[lang], settingsHelpKeys(path)), `${lang} help of ${path}`);
      }
    }
  });

  test('the cosine schedule’s epochs have their own label and help, not those of the run’s epochs', () => {
    for (const lang of ['en', 'zh'] as const) {
      const tree = training[lang];
      assert.notEqual(first(tree, settingsLabelKeys('schedule.epochs')), first(tree, settingsLabelKeys('epochs')));
      assert.notEqual(first(tree, settingsHelpKeys('schedule.epochs')), first(tree, settingsHelpKeys('epochs')));
    }
  });

  test('every choice of a variant or of how often to measure has a name in both languages', () => {
    const byKey = new Map(fields.map((f) => [f.key, f]));
    const choices: [string, string[]][] = [['gradientNormsOverTime', ['off', 'on', 'every']]];
    for (const key of ['optimizer', 'schedule']) {
      const f = byKey.get(key);
      assert.ok(f && f.kind === 'variant', `${key} is a variant field`);
      choices.push([key, f.variants.map((v) => v.type)]);
    }
    for (const [key, options] of choices)
      for (const option of options) for (const lang of ['en', 'zh'] as const) assert.ok(lookup(training[lang], settingsOptionKey(key, option)), `${lang} name of ${key} ${option}`);
  });

  test('optimizer presets are valid optimizers; Adam is the trainer default', () => {
    for (const [type, preset] of Object.entries(OPTIMIZER_PRESETS)) {
      assert.equal(preset.type, type);
      assert.ok(Optimizer.safeParse(preset).success, `${type} preset parses`);
      assert.deepEqual({ type, ...optimizerPreset('optimizer', type) }, preset);
    }
    assert.deepEqual(OPTIMIZER_PRESETS.adam, DEFAULT_OPTIMIZER);
    assert.equal(optimizerPreset('other', 'adam'), undefined);
    assert.equal(optimizerPreset('optimizer', 'lbfgs'), undefined);
  });

  test('schedule presets are valid schedules; cosine anneals over the run’s epochs', () => {
    for (const [type, preset] of Object.entries(schedulePresets(12))) {
      assert.equal(preset.type, type);
      assert.ok(LearningRateSchedule.safeParse(preset).success, `${type} preset parses`);
    }
    const presets = variantPresets({ epochs: 40 });
    assert.deepEqual(presets('schedule', 'cosine'), { epochs: 40, minLearningRate: 0 });
    assert.deepEqual(variantPresets(undefined)('schedule', 'cosine'), { epochs: resolveTraining(undefined).epochs, minLearningRate: 0 });
    assert.deepEqual(presets('schedule', 'step'), { every: 10, factor: 0.5 });
    assert.deepEqual(presets('optimizer', 'sgd'), { learningRate: 0.01 });
    assert.equal(presets('schedule', 'linear'), undefined);
    // Switching the form's schedule field to each type gives a valid document.
    const schedule = fields.find((f) => f.key === 'schedule');
    assert.ok(schedule && schedule.kind === 'variant');
    assert.deepEqual(schedule.default, { type: 'none' }, 'an empty schedule is named as the constant one the trainer uses');
    for (const v of schedule.variants) {
      const value = switchVariant(schedule, undefined, v.type, presets('schedule', v.type));
      assert.ok(trainingFromForm({ epochs: 40, schedule: value }), `schedule ${v.type} from the form is valid`);
    }
  });

  test('early stopping and truncated BPTT are switches; switched on they hold valid settings, switched off they are gone', () => {
    assert.ok(EarlyStopping.safeParse(EARLY_STOPPING_PRESET).success);
    assert.ok(TruncatedBptt.safeParse(TRUNCATED_BPTT_PRESET).success);
    assert.equal(groupPreset('optimizer'), undefined);
    for (const key of ['earlyStopping', 'truncatedBptt']) {
      const field = fields.find((f) => f.key === key);
      assert.ok(field && field.kind === 'object' && field.nullable, `${key} is a group that can be off`);
      const on = { epochs: 8, [key]: objectDefaults(field, groupPreset(key)) };
      const parsed = trainingFromForm(on);
      assert.ok(parsed?.settings, `${key} switched on is valid`);
      const off = setAt(on, [key], objectOff(field));
      assert.deepEqual(trainingFromForm(off), { settings: { epochs: 8 } });
    }
    const resolved = resolveTraining(trainingFromForm({ earlyStopping: objectDefaults(fields.find((f) => f.key === 'earlyStopping') as Extract<FieldModel, { kind: 'object' }>, groupPreset('earlyStopping')) })?.settings);
    assert.deepEqual(resolved.earlyStopping, { patience: EARLY_STOPPING_PRESET.patience, minDelta: 0 });
  });

  test('switching early stopping on through the form emits valid settings at once', () => {
    const field = fields.find((f) => f.key === 'earlyStopping');
    assert.ok(field && field.kind === 'object');
    const cx: FormContext = { value: { epochs: 30 }, fields, drafts: {}, validate: zodValidator(TrainingSettings), translate: (i) => i.key };
    const result = applyEdit(cx, { field, ok: true, value: objectDefaults(field, groupPreset('earlyStopping')) });
    assert.ok(result.emit, 'emitted, not held as a draft');
    const settings = trainingFromForm(result.emit)?.settings;
    assert.deepEqual(settings, { epochs: 30, earlyStopping: { patience: 5, minDelta: 0 } });
    // Typing a patience of 0 is refused with a message on that field.
    const patience = field.fields.find((f) => f.key === 'patience');
    assert.ok(patience);
    const bad = applyEdit({ ...cx, value: result.emit }, { field: patience, ok: true, value: 0 });
    assert.equal(bad.emit, null);
    assert.equal(bad.drafts['earlyStopping.patience']?.error, 'form.minimum');
  });

  test('gradient norms over time: off, every step or every N steps, each a valid setting', () => {
    const field = fields.find((f) => f.key === 'gradientNormsOverTime');
    assert.ok(field && field.kind === 'booleanOrInteger', 'a boolean-or-integer field');
    assert.equal(field.countStart, GRADIENT_NORMS_EVERY);
    assert.equal(field.default, false);
    const off = booleanOrIntegerValue(field, 'off', true);
    const on = booleanOrIntegerValue(field, 'on', undefined);
    const every = booleanOrIntegerValue(field, 'every', true);
    assert.deepEqual([off, on, every, booleanOrIntegerValue(field, 'every', 25)], [undefined, true, GRADIENT_NORMS_EVERY, 25]);
    for (const value of [off, on, every]) assert.ok(trainingFromForm({ gradientNormsOverTime: value }), `${String(value)} is valid`);
    assert.equal(resolveTraining(trainingFromForm({ gradientNormsOverTime: every })?.settings).gradientNormsOverTime, GRADIENT_NORMS_EVERY);
  });

  test('the form object maps back to settings; an empty one removes them; an invalid one is refused', () => {
    assert.deepEqual(trainingFromForm({ epochs: 5, optimizer: { type: 'sgd', learningRate: 0.1 } }), { settings: { epochs: 5, optimizer: { type: 'sgd', learningRate: 0.1 } } });
    assert.deepEqual(trainingFromForm({}), { settings: undefined });
    assert.equal(trainingFromForm({ epochs: 0 }), null);
    assert.equal(trainingFromForm({ epochs: 3, bogus: 1 }), null);
  });
});

describe('dataset param help keys', () => {
  test('the dataset kind’s own help comes first, then the general one; both exist where used', () => {
    assert.deepEqual(datasetHelpKeys('text', 'steps'), ['datasetParamHelp.byType.text.steps', 'datasetParamHelp.steps']);
    for (const lang of ['en', 'zh'] as const) {
      assert.ok(lookup(training[lang], datasetHelpKeys('weather-food', 'steps')[0]));
      assert.ok(lookup(training[lang], datasetHelpKeys('sine', 'window')[1]));
    }
  });
});

describe('dataset params', () => {
  test('every param of every dataset the engine has gets a label and help in both languages', () => {
    for (const [type, definition] of Object.entries(DATASETS)) {
      // As the host sends it in datasets.list.
      const fields = fieldsOf(z.toJSONSchema(definition.params, { io: 'input' }));
      assert.ok(fields.length > 0, type);
      for (const field of fields) {
        const path = field.path.join('.');
        for (const lang of ['en', 'zh'] as const) {
          assert.ok(lookup(training[lang], datasetLabelKey(path)), `${lang} label of ${type}.${path}`);
          assert.ok(datasetHelpKeys(type, path).some((key) => lookup(training[lang], key)), `${lang} help of ${type}.${path}`);
        }
      }
    }
  });
});
