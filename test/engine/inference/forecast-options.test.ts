/**
 * forecast() refuses a normalisation that would print Infinity or divide by zero, before it
 * compiles or runs anything.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReferenceExecutor } from '../../../engine/executors/index.ts';
import { forecast } from '../../../engine/inference/forecast.ts';
import { InputError } from '../../../engine/inference/predict.ts';
import { graph } from '../../helpers/graphs.ts';

const doc = graph({ x: ['input', { size: 1 }], r: ['elman', { units: 2, returnSequences: false }], d: ['dense', { units: 1 }], o: ['output', { loss: 'meanSquaredError' }] }, ['x -> r', 'r -> d', 'd -> o']);

describe('forecast normalisation ranges', () => {
  const cases: [string, { min: number; max: number }, RegExp][] = [
    ['a range wider than a float64 can hold', { min: -1e308, max: 1e308 }, /normalisation: max − min is not a finite number \(min -1e\+308, max 1e\+308\)/],
    ['an empty range', { min: 3, max: 3 }, /normalisation: min 3 must be less than max 3/],
    ['a reversed range', { min: 1, max: -1 }, /normalisation: min 1 must be less than max -1/],
    ['an infinite bound', { min: 0, max: Infinity }, /normalisation: min and max must be finite numbers, got min 0, max Infinity/],
  ];
  for (const [what, normalisation, message] of cases)
    it(`refuses ${what}`, async () => {
      await assert.rejects(
        forecast(doc, new Map(), { history: [0.1, 0.2, 0.3], steps: 2, normalisation }, new ReferenceExecutor()),
        (e: unknown) => e instanceof InputError && message.test(e.message),
      );
    });
});
