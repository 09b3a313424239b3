/**
 * The training settings form: its schema shows the trainer's defaults, every field it draws has a
 * label and help in both languages, each optimizer preset is a valid optimizer (Adam's is the
 * trainer's default), and the form's object maps back to document settings.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { DATASETS } from '../../../engine/datasets/index.ts';
import { DEFAULT_OPTIMIZER, Optimizer, resolveTraining } from '../../../engine/graph/schema.ts';
import { fieldsOf, type FieldModel } from '../../../renderer/forms/schema-fields.ts';
import { training } from '../../../renderer/training/strings.ts';
import {
  datasetHelpKeys,
  datasetLabelKey,
  OPTIMIZER_PRESETS,
  optimizerPreset,
  settingsHelpKey,
  settingsLabelKey,
  trainingFormSchema,
  trainingFromForm,
} from '../../../renderer/training/training-form.ts';

type Tree = { readonly [key: string]: string | Tree };
const lookup = (tree: Tree, key: string): string | undefined => {
  const found = key.split('.').reduce<string | Tree | undefined>((at, part) => (at === undefined || typeof at === 'string' ? undefined : at[part]), tree);
  return typeof found === 'string' ? found : undefined;
};

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
    assert.ok(all.includes('optimizer.beta2') && all.includes('optimizer.nesterov'));
    for (const path of all) {
      for (const lang of ['en', 'zh'] as const) {
        assert.ok(lookup(training[lang], settingsLabelKey(path)), `${lang} label of ${path}`);
        if (path !== 'optimizer.type') assert.ok(lookup(training[lang], settingsHelpKey(path)), `${lang} help of ${path}`);
      }
    }
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
