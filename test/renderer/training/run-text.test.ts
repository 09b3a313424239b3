/**
 * How the run's numbers and failures read: losses keep four significant digits (exponent form at
 * the extremes), and each kind of failure gets its own wording, the host's message included
 * where there is one, in both languages.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { training } from '../../../renderer/training/strings.ts';
import type { ExecutorStatus } from '../../../engine/protocol/messages.ts';
import { bestText, endText, executorStatusText, executorSummaryText, failureText, formatLoss, formatMetric, formatRate, formatSpeed, metricParts, type Translate } from '../../../renderer/training/run-text.ts';

type Tree = { readonly [key: string]: string | Tree };

/** A stand-in for i18next's t over one language of the training strings. */
const translator = (strings: Tree): Translate => (key, values = {}) => {
  const found = key.split('.').reduce<string | Tree | undefined>((at, part) => (at === undefined || typeof at === 'string' ? undefined : at[part]), strings);
  if (typeof found !== 'string') throw new Error(`missing string ${key}`);
  return found.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? `{{${name}}}`));
};

describe('run text', () => {
  test('formatRate: three significant digits without trailing zeros; exponent form when tiny', () => {
    assert.equal(formatRate(0.01), '0.01');
    assert.equal(formatRate(0.0012345), '0.00123');
    assert.equal(formatRate(2.5e-5), '2.50e-5');
    assert.equal(formatRate(Number.NaN), '–');
  });

  test('metrics: names of several outputs keep their block; accuracy reads in percent', () => {
    assert.deepEqual(metricParts('accuracy'), { node: null, metric: 'accuracy' });
    assert.deepEqual(metricParts('decoder.out.accuracy'), { node: 'decoder.out', metric: 'accuracy' });
    assert.equal(formatMetric('head.accuracy', 0.9234), '92.3 %');
    assert.equal(formatMetric('perplexity', 3.21), '3.210');
    assert.equal(formatMetric('mse', Number.NaN), '–');
  });

  test('bestText names the kept epoch and the loss it was judged by, in both languages', () => {
    const end = { reason: 'early-stopped' as const, message: '', epochs: 20, steps: 80, loss: 0.3 };
    const en = translator(training.en);
    assert.equal(bestText(en, end), null, 'no best epoch, no text');
    assert.equal(bestText(en, { ...end, best: { epoch: 12, loss: 0.0123456, monitor: 'validation' } }), 'Best epoch: 12 (validation loss 0.01235); the model keeps its weights.');
    assert.match(bestText(translator(training.zh), { ...end, best: { epoch: 12, loss: 0.5, monitor: 'training' } }) ?? '', /第 12 轮（训练损失 0\.5000）/);
    assert.equal(endText(en, { ...end, message: 'no improvement for 5 epochs' }), 'Stopped early — no improvement for 5 epochs');
  });

  test('formatLoss', () => {
    assert.equal(formatLoss(0.123456), '0.1235');
    assert.equal(formatLoss(2.5), '2.500');
    assert.equal(formatLoss(0.00001234), '1.234e-5');
    assert.equal(formatLoss(123456), '1.235e+5');
    assert.equal(formatLoss(0), '0.000');
    assert.equal(formatLoss(null), '–');
    assert.equal(formatLoss(Number.NaN), 'NaN');
  });

  test('formatSpeed', () => {
    assert.equal(formatSpeed(12.345), '12.3');
    assert.equal(formatSpeed(1234.5), '1235');
  });

  for (const lang of ['en', 'zh'] as const) {
    const t = translator(training[lang]);
    test(`failures in ${lang}: each says what happened, with the host message`, () => {
      const graph = failureText(t, { code: 'graph-has-errors', message: "the graph has 1 error; the first at node 'gru': no input" });
      assert.match(graph, /no input/);
      assert.ok(graph.includes(lang === 'en' ? 'Problems' : '问题'), 'points to the Problems tab');
      assert.match(failureText(t, { code: 'host-crashed', message: 'exit code 134' }), /exit code 134/);
      assert.ok(!failureText(t, { code: 'host-crashed', message: null }).includes('{{'));
      assert.ok(failureText(t, { code: 'connection-lost', message: null }).length > 0);
      assert.match(failureText(t, { code: 'dataset', message: 'dataset.params.file: file not found' }), /file not found/);
      assert.match(failureText(t, { code: 'busy', message: "run 'run-1' is still training" }), /still training/);
      assert.match(failureText(t, { code: 'internal', message: 'boom' }), /boom/);
      assert.match(failureText(t, { code: 'ended', message: 'training failed: out of memory' }), /out of memory/);
      for (const code of ['graph-has-errors', 'host-crashed', 'connection-lost', 'dataset', 'busy', 'timeout', 'ended'] as const)
        assert.ok(!failureText(t, { code, message: 'm' }).includes('{{'), `${code} fills every placeholder`);
    });

    test(`end reasons in ${lang}`, () => {
      for (const reason of ['completed', 'cancelled', 'diverged', 'target-reached', 'failed'] as const) {
        const text = endText(t, { reason, message: 'detail', epochs: 1, steps: 2, loss: 0.5 });
        assert.ok(text.endsWith('detail'), text);
        assert.ok(text.length > 'detail'.length + 3);
      }
    });
  }

  test('executors: which can run on the engine\'s machine, and the reason one cannot, in both languages', () => {
    const statuses: ExecutorStatus[] = [
      { id: 'onnxruntime', label: { en: 'ONNX Runtime (CPU)', zh: 'ONNX Runtime（CPU）' }, description: { en: 'fast', zh: '快' }, available: false, reason: 'no native binding' },
      { id: 'reference', label: { en: 'Reference', zh: '参考' }, description: { en: 'exact', zh: '精确' }, available: true, reason: null },
    ];
    const en = translator(training.en);
    const zh = translator(training.zh);
    assert.equal(executorSummaryText(en, statuses), 'Executors on this machine: 1 of 2 can run');
    assert.equal(executorStatusText(en, statuses[0], 'en'), 'ONNX Runtime (CPU): cannot run here (no native binding)');
    assert.equal(executorStatusText(en, statuses[1], 'en'), 'Reference: can run here');
    assert.equal(executorSummaryText(zh, statuses), '本机的执行器：2 个中有 1 个可以运行');
    assert.equal(executorStatusText(zh, statuses[0], 'zh'), 'ONNX Runtime（CPU）：无法在本机运行（no native binding）');
    assert.equal(executorStatusText(zh, statuses[1], 'zh'), '参考：可在本机运行');
  });
});
