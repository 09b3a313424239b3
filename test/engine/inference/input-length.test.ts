/**
 * Inputs longer than the input-steps budget are refused before anything is compiled or run:
 * predict's input, forecast's window and length, sample's prime and length.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BudgetError, DEFAULT_BUDGETS } from '../../../engine/compiler/budgets.ts';
import { compileGraph } from '../../../engine/compiler/compile.ts';
import { ReferenceExecutor } from '../../../engine/executors/index.ts';
import { forecast } from '../../../engine/inference/forecast.ts';
import { predict } from '../../../engine/inference/predict.ts';
import { sample } from '../../../engine/inference/sample.ts';
import { initWeights } from '../../../engine/model/init.ts';
import { graph } from '../../helpers/graphs.ts';
import { RecordingExecutor } from '../../helpers/recording-executor.ts';

const series = graph({ x: ['input', { size: 1 }], rnn: ['elman', { units: 2 }], d: ['dense', { units: 1 }], o: ['output', { loss: 'meanSquaredError' }] }, ['x -> rnn', 'rnn -> d', 'd -> o']);
const text = graph({ x: ['input', { kind: 'tokens', size: 3 }], e: ['embedding', { dim: 3 }], o: ['output', { loss: 'softmaxCrossEntropy' }] }, ['x -> e', 'e -> o']);
const weightsOf = (g: typeof series) => initWeights(compileGraph(g, { steps: 1, batch: 1 }).weights, 1);
const ofLength = (steps: number) => ({ x: [Array.from({ length: steps }, (_, t) => [t % 2])] });
const refusedWith = (pattern: RegExp) => (e: unknown) => e instanceof BudgetError && e.budget === 'inputSteps' && pattern.test(e.message);

describe('the input-steps budget', () => {
  it('predict refuses an input of 10,001 steps without compiling or running anything', async () => {
    const executor = new RecordingExecutor(new ReferenceExecutor());
    const prepare = executor.prepare.bind(executor);
    let prepared = 0;
    executor.prepare = (g, o) => {
      prepared++;
      return prepare(g, o);
    };
    await assert.rejects(predict(series, weightsOf(series), ofLength(10_001), executor), refusedWith(/^the input has 10,001 steps, more than the limit of 10,000; raise it with --max-steps/));
    assert.equal(prepared, 0);
    assert.equal(DEFAULT_BUDGETS.inputSteps, 10_000);
  });

  it('predict runs up to a lowered limit and refuses one step more', async () => {
    const executor = new ReferenceExecutor();
    const result = await predict(series, weightsOf(series), ofLength(3), executor, { inputSteps: 3 });
    assert.equal(result.steps, 3);
    await assert.rejects(predict(series, weightsOf(series), ofLength(4), executor, { inputSteps: 3 }), refusedWith(/has 4 steps, more than the limit of 3/));
  });

  it('forecast refuses a window or a forecast over the limit; sample a prime over it, but not a long text it generates step by step', async () => {
    const executor = new ReferenceExecutor();
    const history = Array.from({ length: 8 }, (_, i) => i / 8);
    await assert.rejects(forecast(series, weightsOf(series), { history, steps: 1, window: 8 }, executor, { inputSteps: 5 }), refusedWith(/^the window has 8 steps/));
    await assert.rejects(forecast(series, weightsOf(series), { history, steps: 6, window: 2 }, executor, { inputSteps: 5 }), refusedWith(/^the forecast has 6 steps/));
    await assert.rejects(
      sample(text, weightsOf(text), ['a', 'b', 'c'], { length: 4, temperature: 1, prime: 'abcabc' }, executor, { inputSteps: 5 }),
      refusedWith(/^the prime has 6 steps/),
    );
    const long = await sample(text, weightsOf(text), ['a', 'b', 'c'], { length: 8, temperature: 1, prime: 'ab' }, executor, { inputSteps: 5 });
    assert.equal([...long].length, 2 + 8, "the prime and the eight tokens after it");
  });
});
