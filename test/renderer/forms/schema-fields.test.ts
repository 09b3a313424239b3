/**
 * The field model read from the JSON Schemas the app really uses (block params, training
 * settings, a dataset's params), and the form's own checks on values and typed text.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { getBlock } from '../../../engine/blocks/registry.ts';
import { TrainingSettings } from '../../../engine/graph/schema.ts';
import {
  booleanOrIntegerChoice,
  booleanOrIntegerValue,
  checkField,
  checkFields,
  fieldsOf,
  type FieldModel,
  objectDefaults,
  objectOff,
  parseNumberText,
  setAt,
  switchVariant,
} from '../../../renderer/forms/schema-fields.ts';

const blockFields = (type: string) => fieldsOf(z.toJSONSchema(getBlock(type)!.params, { io: 'input' }));
const training = fieldsOf(z.toJSONSchema(TrainingSettings, { io: 'input' }));
const field = (fields: readonly FieldModel[], key: string) => {
  const f = fields.find((x) => x.key === key);
  if (!f) throw new Error(`no field ${key}`);
  return f;
};
type Of<K extends FieldModel['kind']> = Extract<FieldModel, { kind: K }>;
const as = <K extends FieldModel['kind']>(f: FieldModel, kind: K): Of<K> => {
  assert.equal(f.kind, kind);
  return f as Of<K>;
};

describe('fieldsOf: block params', () => {
  it('reads the LSTM params in order, with kinds, ranges and defaults', () => {
    const fields = blockFields('lstm');
    assert.deepEqual(fields.slice(0, 5).map((f) => [f.key, f.kind]), [
      ['units', 'number'],
      ['activation', 'enum'],
      ['recurrentActivation', 'enum'],
      ['returnSequences', 'boolean'],
      ['unitForgetBias', 'boolean'],
    ]);
    const units = as(fields[0], 'number');
    assert.deepEqual([units.integer, units.minimum, units.maximum, units.default, units.required], [true, 1, 4096, 32, false]);
    assert.deepEqual(as(fields[1], 'enum').options, ['tanh', 'sigmoid', 'relu', 'linear']);
    assert.equal(as(fields[3], 'boolean').default, true);
  });

  it('a block without params has no fields', () => {
    assert.deepEqual(blockFields('lastStep'), []);
  });
});

describe('fieldsOf: training settings', () => {
  it('the optimizer is a variant field with one set of fields per type', () => {
    const optimizer = as(field(training, 'optimizer'), 'variant');
    assert.deepEqual(optimizer.variants.map((v) => v.type), ['sgd', 'momentum', 'rmsprop', 'adam']);
    const adam = optimizer.variants[3];
    assert.deepEqual(adam.fields.map((f) => f.key), ['learningRate', 'beta1', 'beta2', 'epsilon']);
    assert.deepEqual(adam.fields[0].path, ['optimizer', 'learningRate']);
    const lr = as(adam.fields[0], 'number');
    assert.deepEqual([lr.exclusiveMinimum, lr.maximum, lr.required], [0, 10, true]);
  });

  it('a nullable number (clipNorm) is a number field that may be null', () => {
    const clip = as(field(training, 'clipNorm'), 'number');
    assert.equal(clip.nullable, true);
    assert.equal(clip.exclusiveMinimum, 0);
  });

  it('a nullable object (earlyStopping) is a group that can be switched off; null and absent are both fine', () => {
    const group = as(field(training, 'earlyStopping'), 'object');
    assert.equal(group.nullable, true);
    assert.deepEqual(group.fields.map((f) => [f.key, f.required]), [['patience', true], ['minDelta', false]]);
    assert.deepEqual(checkFields(training, { earlyStopping: null }), []);
    assert.deepEqual(checkFields(training, {}), []);
    assert.deepEqual(checkFields(training, { earlyStopping: {} }).map((i) => [i.path.join('.'), i.key]), [['earlyStopping.patience', 'form.required']]);
    assert.equal(checkField(group, 3)?.key, 'form.notObject');
  });

  it('a plain object is not nullable, and null is refused there', () => {
    const [plain] = fieldsOf({ type: 'object', properties: { g: { type: 'object', properties: { a: { type: 'number' } } } } });
    const g = as(plain, 'object');
    assert.equal(g.nullable, false);
    assert.equal(checkField(g, null)?.key, 'form.notObject');
  });

  it('a group switched on starts from its fields’ defaults and a preset; switched off it is null only where required', () => {
    const [optional, required] = fieldsOf({
      type: 'object',
      properties: {
        a: { anyOf: [{ type: 'object', properties: { k: { type: 'integer', default: 3 }, m: { type: 'number' } } }, { type: 'null' }] },
        b: { anyOf: [{ type: 'object', properties: { k: { type: 'integer' } } }, { type: 'null' }] },
      },
      required: ['b'],
    }).map((f) => as(f, 'object'));
    assert.deepEqual(objectDefaults(optional), { k: 3 });
    assert.deepEqual(objectDefaults(optional, { m: 0.5 }), { k: 3, m: 0.5 });
    assert.deepEqual(objectDefaults(optional, { k: 9 }), { k: 9 });
    assert.equal(objectOff(optional), undefined);
    assert.equal(objectOff(required), null);
  });

  it('a boolean or an integer (gradientNormsOverTime): off, every time, or every N-th time', () => {
    const f = as(field(training, 'gradientNormsOverTime'), 'booleanOrInteger');
    assert.deepEqual([f.minimum, f.maximum, f.countStart, f.default], [1, 1_000_000, 1, undefined]);
    assert.deepEqual([undefined, false, true, 7].map((v) => booleanOrIntegerChoice(f, v)), ['off', 'off', 'on', 'every']);
    assert.equal(booleanOrIntegerValue(f, 'off', 7), undefined, 'optional and off by default: left out');
    assert.equal(booleanOrIntegerValue(f, 'on', 7), true);
    assert.equal(booleanOrIntegerValue(f, 'every', 7), 7, 'the number already there is kept');
    assert.equal(booleanOrIntegerValue(f, 'every', true), 1, 'else the integer alternative’s default or minimum');
    assert.deepEqual([true, false, 1, 250].map((v) => checkField(f, v)), [null, null, null, null]);
    assert.equal(checkField(f, 0)?.key, 'form.minimum');
    assert.equal(checkField(f, 2.5)?.key, 'form.notInteger');
    assert.equal(checkField(f, 'often')?.key, 'form.notANumber');
  });

  it('the integer alternative’s default is where "every N" starts; a default of true is "on" when empty', () => {
    const [f] = fieldsOf({ type: 'object', properties: { every: { default: true, anyOf: [{ type: 'boolean' }, { type: 'integer', minimum: 2, default: 10 }] } } });
    const g = as(f, 'booleanOrInteger');
    assert.equal(g.countStart, 10);
    assert.equal(booleanOrIntegerChoice(g, undefined), 'on');
    assert.equal(booleanOrIntegerValue(g, 'off', undefined), false, 'off must be written when the default is on');
  });

  it('a variant field carries the schema’s default (the empty choice names it)', () => {
    const [f] = fieldsOf({
      type: 'object',
      properties: { s: { default: { type: 'none' }, oneOf: [{ type: 'object', properties: { type: { const: 'none' } } }, { type: 'object', properties: { type: { const: 'step' }, every: { type: 'integer' } } }] } },
    });
    const v = as(f, 'variant');
    assert.deepEqual(v.default, { type: 'none' });
    assert.deepEqual(v.variants.map((x) => x.type), ['none', 'step']);
  });

  it('a required string with minLength and description (the text dataset file)', () => {
    const fields = fieldsOf({
      type: 'object',
      properties: { file: { type: 'string', minLength: 1, description: 'UTF-8 text file' } },
      required: ['file'],
    });
    const file = as(fields[0], 'string');
    assert.deepEqual([file.required, file.minLength, file.description], [true, 1, 'UTF-8 text file']);
  });

  it('follows $ref into $defs', () => {
    const fields = fieldsOf({ type: 'object', properties: { n: { $ref: '#/$defs/count' } }, $defs: { count: { type: 'integer', minimum: 2 } } });
    assert.equal(as(fields[0], 'number').minimum, 2);
  });
});

describe('checks', () => {
  const units = blockFields('lstm')[0];
  it('numbers: integer, range; undefined is fine when optional', () => {
    assert.equal(checkField(units, 64), null);
    assert.equal(checkField(units, undefined), null);
    assert.equal(checkField(units, 0)?.key, 'form.minimum');
    assert.deepEqual(checkField(units, 5000)?.values, { limit: 4096 });
    assert.equal(checkField(units, 2.5)?.key, 'form.notInteger');
  });

  it('exclusive bounds', () => {
    const lr = as(field(training, 'optimizer'), 'variant').variants[0].fields[0];
    assert.equal(checkField(lr, 0)?.key, 'form.exclusiveMinimum');
    assert.equal(checkField(lr, 0.001), null);
  });

  it('checkFields finds required fields missing inside the chosen variant', () => {
    const issues = checkFields(training, { optimizer: { type: 'adam', learningRate: 0.01 } });
    assert.deepEqual(
      issues.map((i) => [i.path.join('.'), i.key]),
      [
        ['optimizer.beta1', 'form.required'],
        ['optimizer.beta2', 'form.required'],
        ['optimizer.epsilon', 'form.required'],
      ],
    );
  });

  it('enum values outside the options', () => {
    const activation = blockFields('lstm')[1];
    assert.equal(checkField(activation, 'softmax')?.key, 'form.oneOf');
  });
});

describe('typed text', () => {
  const units = as(blockFields('lstm')[0], 'number');
  it('parses numbers, refuses text that is not one, and empty means "not set"', () => {
    assert.deepEqual(parseNumberText(units, ' 64 '), { ok: true, value: 64 });
    assert.deepEqual(parseNumberText(units, '1e-3'), { ok: true, value: 0.001 });
    assert.deepEqual(parseNumberText(units, ''), { ok: true, value: undefined });
    const bad = parseNumberText(units, '12abc');
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.equal(bad.issue.key, 'form.notANumber');
    assert.equal(parseNumberText(units, '0x10').ok, false);
  });
});

describe('values', () => {
  it('setAt copies along the path and removes a key set to undefined', () => {
    const before = { a: 1, optimizer: { type: 'sgd', learningRate: 0.1 } };
    const after = setAt(before, ['optimizer', 'learningRate'], 0.2);
    assert.deepEqual(after, { a: 1, optimizer: { type: 'sgd', learningRate: 0.2 } });
    assert.deepEqual(before.optimizer.learningRate, 0.1);
    assert.deepEqual(setAt(before, ['a'], undefined), { optimizer: before.optimizer });
  });

  it('switching variant keeps shared fields and fills the rest from defaults', () => {
    const optimizer = as(field(training, 'optimizer'), 'variant');
    assert.deepEqual(switchVariant(optimizer, { type: 'sgd', learningRate: 0.3 }, 'adam', { beta1: 0.9, learningRate: 0.001 }), {
      type: 'adam',
      learningRate: 0.3,
      beta1: 0.9,
    });
  });
});
