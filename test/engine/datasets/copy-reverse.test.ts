/**
 * The sequence-copy dataset: what each stream holds (the target is the source copied or
 * reversed, the decoder's input is the target one step late behind <s>), determinism by seed,
 * and how graphs are checked against its three streams.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateGraph } from '../../../engine/compiler/compile.ts';
import { type Dataset, loadDataset, parseDatasetSpec } from '../../../engine/datasets/index.ts';
import { datasetFiles } from '../../../engine/files/dataset-files.ts';
import { START_TOKEN } from '../../../engine/datasets/copy-reverse.ts';
import { batchFeed, streamTypes } from '../../../engine/trainer/batches.ts';
import { graph } from '../../helpers/graphs.ts';
import { loadTemplate } from '../../helpers/templates.ts';

function load(params: Record<string, unknown>): Dataset {
  const r = loadDataset({ type: 'sequence-copy', params }, datasetFiles('.'));
  if (!r.ok) assert.fail(r.error);
  return r.value;
}

const ids = (stream: Dataset['x']): Int32Array => {
  assert.equal(stream.kind, 'tokens');
  return stream.data as Int32Array;
};

describe('sequence-copy', () => {
  it('fills in its defaults: reverse 8 of 8 symbols, 2000 examples', () => {
    assert.deepEqual(parseDatasetSpec({ type: 'sequence-copy' }), {
      ok: true,
      value: { type: 'sequence-copy', params: { task: 'reverse', length: 8, symbols: 8, samples: 2000, seed: 1 } },
    });
  });

  for (const task of ['copy', 'reverse'] as const) {
    it(`${task}: y is x ${task === 'copy' ? 'copied' : 'reversed'}, decoderInput is <s> then y one step late`, () => {
      const T = 7;
      const d = load({ task, length: T, symbols: 5, samples: 300, seed: 4 });
      assert.equal(d.steps, T);
      assert.equal(d.size, 300);
      assert.deepEqual(d.vocabulary, ['<s>', 'a', 'b', 'c', 'd', 'e']);
      for (const s of [d.x, d.y, d.decoderInput!]) assert.deepEqual([s.kind, s.perStep, s.kind === 'tokens' && s.vocabulary], ['tokens', true, 6]);
      const [x, y, previous] = [ids(d.x), ids(d.y), ids(d.decoderInput!)];
      assert.equal(x.length, 300 * T);
      for (let n = 0; n < d.size; n++) {
        const row = (a: Int32Array) => [...a.subarray(n * T, (n + 1) * T)];
        const source = row(x);
        assert.ok(source.every((id) => id >= 1 && id <= 5), `example ${n}: symbols are ids 1 … 5, never <s>`);
        assert.deepEqual(row(y), task === 'copy' ? source : source.toReversed(), `example ${n}`);
        assert.deepEqual(row(previous), [START_TOKEN, ...row(y).slice(0, T - 1)], `example ${n}`);
      }
    });
  }

  it('draws the symbols uniformly', () => {
    const d = load({ length: 10, symbols: 4, samples: 2000 });
    const counts = [0, 0, 0, 0, 0];
    for (const id of ids(d.x)) counts[id]++;
    assert.equal(counts[0], 0);
    for (const c of counts.slice(1)) assert.ok(Math.abs(c / 20_000 - 0.25) < 0.01, `counts ${counts.join(', ')}`);
    assert.ok(d.baseline && d.baseline.metric === 'accuracy' && Math.abs(d.baseline.value - 0.25) < 0.01, JSON.stringify(d.baseline));
  });

  it('is deterministic by seed', () => {
    const bytes = (d: Dataset) => [d.x, d.y, d.decoderInput!].map((s) => Buffer.from(s.data.buffer).toString('hex')).join();
    const a = load({ length: 6, samples: 50, seed: 11 });
    assert.equal(bytes(load({ length: 6, samples: 50, seed: 11 })), bytes(a));
    assert.notEqual(bytes(load({ length: 6, samples: 50, seed: 12 })), bytes(a));
  });

  it('names the param that is out of range', () => {
    const r = loadDataset({ type: 'sequence-copy', params: { symbols: 70, task: 'sort' } }, datasetFiles('.'));
    assert.ok(!r.ok);
    assert.match(r.error, /dataset\.params\.task: must be one of "copy", "reverse"/);
    assert.match(r.error, /dataset\.params\.symbols: must be ≤ 62/);
  });

  it('the trainer sees and feeds all three streams', () => {
    const d = load({ length: 4, symbols: 3, samples: 5 });
    const token = { kind: 'sequence', size: 4, tokens: true };
    assert.deepEqual(streamTypes(d), { x: token, y: token, decoderInput: token });
    const feed = batchFeed(d.decoderInput!, [1, 3], d.steps);
    assert.deepEqual(feed.shape, [4, 2], 'time-major [T, B]');
    assert.deepEqual([...feed.data].filter((_, i) => i < 2), [START_TOKEN, START_TOKEN], 'every example starts with <s>');
  });
});

describe('graphs against the three streams', () => {
  it('the reversal templates fit the dataset', () => {
    for (const file of ['reverse-plain.rnn.json', 'reverse-attention.rnn.json']) {
      const t = loadTemplate(file);
      assert.deepEqual(validateGraph(t.graph, streamTypes(t.dataset)), [], file);
    }
  });

  it("an input block on 'decoderInput' is checked against that stream, and refused where there is none", () => {
    const doc = (size: number) =>
      graph(
        { src: ['input', { kind: 'tokens', size: 9 }], se: ['embedding', { dim: 4 }], enc: ['gru', { units: 4 }], prev: ['input', { stream: 'decoderInput', kind: 'tokens', size }], pe: ['embedding', { dim: 4 }], dec: ['gru', { units: 4 }], d: ['dense', { units: 9 }], o: ['output', { loss: 'softmaxCrossEntropy' }] },
        ['src -> se', 'se -> enc', 'prev -> pe', 'pe -> dec', 'enc.h -> dec.h0', 'dec -> d', 'd -> o'],
      );
    const seq2seq = streamTypes(load({ samples: 3 }));
    assert.deepEqual(validateGraph(doc(9), seq2seq), []);
    const [wrong] = validateGraph(doc(7), seq2seq);
    assert.equal(wrong.code, 'size-mismatch');
    assert.equal(wrong.nodeId, 'prev');
    assert.match(wrong.message, /the dataset's 'decoderInput' is a sequence of token ids \(vocabulary 9\) \(expected 9, got 7\)/);
    const [missing, ...rest] = validateGraph(doc(9), { ...seq2seq, decoderInput: undefined });
    assert.equal(rest.length, 0);
    assert.equal(missing.code, 'dataset-mismatch');
    assert.equal(missing.nodeId, 'prev');
    assert.match(missing.message, /reads the stream 'decoderInput', which this dataset does not have/);
  });
});
