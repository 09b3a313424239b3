/**
 * What a form does with each edit: emit the whole new object when valid, hold invalid text with
 * its message, build a new variant until its required fields are filled, and drop drafts that
 * no longer match the value (after an undo).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { getBlock } from '../../../engine/blocks/registry.ts';
import { TrainingSettings } from '../../../engine/graph/schema.ts';
import { applyEdit, blurField, type Drafts, effectiveValue, type FormContext, liveDrafts } from '../../../renderer/forms/form-drafts.ts';
import { type FieldModel, fieldsOf, parseNumberText } from '../../../renderer/forms/schema-fields.ts';
import { zodValidator } from '../../../renderer/forms/zod-validator.ts';

type Json = Record<string, unknown>;
const translate = (i: { key: string; values?: Readonly<Record<string, string | number>> }) => `${i.key}${i.values ? ` ${JSON.stringify(i.values)}` : ''}`;

function form(schema: z.ZodType, value: Json) {
  const fields = fieldsOf(z.toJSONSchema(schema, { io: 'input' }));
  const state = { value, drafts: {} as Drafts, emitted: [] as Json[] };
  const find = (path: string, list: readonly FieldModel[] = fields): FieldModel => {
    for (const f of list) {
      if (f.path.join('.') === path) return f;
      const inner = f.kind === 'object' ? f.fields : f.kind === 'variant' ? f.variants.flatMap((v) => v.fields) : [];
      const hit = inner.length ? (() => { try { return find(path, inner); } catch { return null; } })() : null;
      if (hit) return hit;
    }
    throw new Error(`no field ${path}`);
  };
  const cx = (): FormContext => ({ value: state.value, fields, drafts: state.drafts, validate: zodValidator(schema), translate });
  const apply = (r: { drafts: Drafts; emit: Json | null }) => {
    state.drafts = r.drafts;
    if (r.emit) {
      state.emitted.push(r.emit);
      state.value = r.emit; // the parent applies it
    }
  };
  return {
    state,
    type(path: string, text: string) {
      const field = find(path);
      if (field.kind !== 'number') throw new Error('number fields only');
      const parsed = parseNumberText(field, text);
      apply(applyEdit(cx(), parsed.ok ? { field, ok: true, value: parsed.value, shown: text } : { field, ok: false, issue: parsed.issue, shown: text }));
    },
    choose(path: string, value: unknown) {
      apply(applyEdit(cx(), { field: find(path), ok: true, value }));
    },
    draft: (path: string) => liveDrafts(state.value, state.drafts)[path],
    blur(path: string) {
      state.drafts = blurField(state.drafts, path.split('.'));
    },
  };
}

const lstm = getBlock('lstm')!.params;

describe('form edits', () => {
  it('a valid edit emits the whole new object', () => {
    const f = form(lstm, { units: 32, returnSequences: true });
    f.type('units', '64');
    assert.deepEqual(f.state.emitted, [{ units: 64, returnSequences: true }]);
  });

  it('text that is out of range shows its message and is not emitted', () => {
    const f = form(lstm, { units: 32 });
    f.type('units', '0');
    assert.deepEqual(f.state.emitted, []);
    assert.equal(f.draft('units')?.error, 'form.minimum {"limit":1}');
    assert.equal(f.draft('units')?.shown, '0');
    f.type('units', '8');
    assert.deepEqual(f.state.emitted, [{ units: 8 }]);
    assert.equal(f.draft('units')?.error, null);
  });

  it('text that is not a number is held with its message', () => {
    const f = form(lstm, { units: 32 });
    f.type('units', '3x');
    assert.equal(f.draft('units')?.error, 'form.notANumber {"text":"3x"}');
    f.blur('units');
    assert.ok(f.draft('units'), 'an error stays after leaving the field');
  });

  it('partly typed numbers keep their text while valid ("0.0" stays, not "0")', () => {
    const f = form(TrainingSettings, {});
    f.type('targetLoss', '0.0');
    assert.deepEqual(f.state.emitted, [{ targetLoss: 0 }]);
    assert.equal(f.draft('targetLoss')?.shown, '0.0');
    f.blur('targetLoss');
    assert.equal(f.draft('targetLoss'), undefined, 'shown formatted again after leaving the field');
  });

  it('an invalid value already in the object elsewhere does not hold back a valid edit', () => {
    const f = form(lstm, { units: 0, activation: 'tanh' });
    f.choose('activation', 'relu');
    assert.deepEqual(f.state.emitted, [{ units: 0, activation: 'relu' }]);
  });

  it('clearing an optional field removes it (its default applies)', () => {
    const f = form(lstm, { units: 32 });
    f.type('units', '');
    assert.deepEqual(f.state.emitted, [{}]);
  });
});

describe('variants', () => {
  it('a new optimizer is built up until its required fields are filled, then emitted', () => {
    const f = form(TrainingSettings, { epochs: 5, optimizer: { type: 'sgd', learningRate: 0.1 } });
    f.choose('optimizer', { type: 'adam', learningRate: 0.1 });
    assert.deepEqual(f.state.emitted, [], 'adam without betas and epsilon is not valid yet');
    assert.deepEqual(effectiveValue(f.state.value, f.state.drafts).optimizer, { type: 'adam', learningRate: 0.1 });
    f.type('optimizer.beta1', '0.9');
    f.type('optimizer.beta2', '0.999');
    assert.deepEqual(f.state.emitted, []);
    f.type('optimizer.epsilon', '1e-7');
    assert.deepEqual(f.state.emitted, [{ epochs: 5, optimizer: { type: 'adam', learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } }]);
    assert.equal(f.draft('optimizer'), undefined, 'the pending variant is gone once emitted');
  });

  it('a variant whose fields are all there is emitted at once', () => {
    const f = form(TrainingSettings, { optimizer: { type: 'adam', learningRate: 0.1, beta1: 0.9, beta2: 0.99, epsilon: 1e-8 } });
    f.choose('optimizer', { type: 'sgd', learningRate: 0.1 });
    assert.deepEqual(f.state.emitted, [{ optimizer: { type: 'sgd', learningRate: 0.1 } }]);
  });
});

describe('groups that switch on and off', () => {
  it('switched on without a preset, a group is built up until its required fields are filled, then emitted', () => {
    const f = form(TrainingSettings, { epochs: 5 });
    f.choose('earlyStopping', {});
    assert.deepEqual(f.state.emitted, [], 'patience is still missing');
    assert.deepEqual(effectiveValue(f.state.value, f.state.drafts).earlyStopping, {}, 'the form shows the group as on');
    f.type('earlyStopping.minDelta', '0.001');
    assert.deepEqual(f.state.emitted, []);
    f.type('earlyStopping.patience', '4');
    assert.deepEqual(f.state.emitted, [{ epochs: 5, earlyStopping: { minDelta: 0.001, patience: 4 } }]);
    assert.equal(f.draft('earlyStopping'), undefined);
  });

  it('switched off, the group is removed (or set to null) and its drafts go with it', () => {
    const f = form(TrainingSettings, { earlyStopping: { patience: 3 } });
    f.type('earlyStopping.patience', '0');
    assert.ok(f.draft('earlyStopping.patience')?.error);
    f.choose('earlyStopping', undefined);
    assert.deepEqual(f.state.emitted, [{}]);
    assert.equal(f.draft('earlyStopping.patience'), undefined);
    const g = form(TrainingSettings, { truncatedBptt: { steps: 8 } });
    g.choose('truncatedBptt', null);
    assert.deepEqual(g.state.emitted, [{ truncatedBptt: null }]);
  });
});

describe('a boolean-or-integer field', () => {
  it('takes true, false and whole numbers in range; other numbers stay a draft with their message', () => {
    const f = form(TrainingSettings, {});
    f.choose('gradientNormsOverTime', true);
    f.choose('gradientNormsOverTime', 20);
    assert.deepEqual(f.state.emitted, [{ gradientNormsOverTime: true }, { gradientNormsOverTime: 20 }]);
    f.choose('gradientNormsOverTime', 0);
    assert.equal(f.state.emitted.length, 2);
    assert.equal(f.draft('gradientNormsOverTime')?.error, 'form.minimum {"limit":1}');
  });
});

describe('drafts and outside changes', () => {
  it('an undo (the value changes from outside) drops the draft of that field', () => {
    const f = form(lstm, { units: 32 });
    f.type('units', '64');
    f.type('units', '640000');
    assert.ok(f.draft('units')?.error);
    f.state.value = { units: 16 }; // undo restored another value
    assert.equal(f.draft('units'), undefined);
  });

  it('a pending variant is dropped when the value it was made against changes', () => {
    const f = form(TrainingSettings, { optimizer: { type: 'sgd', learningRate: 0.1 } });
    f.choose('optimizer', { type: 'adam' });
    assert.ok(f.draft('optimizer'));
    f.state.value = { optimizer: { type: 'momentum', learningRate: 0.1, momentum: 0.9 } };
    assert.equal(f.draft('optimizer'), undefined);
  });
});
