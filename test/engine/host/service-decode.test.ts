/**
 * decode through the engine service: a short real run of the reverse-attention template, then
 * greedy decoding of a source gives one token per source symbol and attention rows that are
 * distributions over the source; bad sources and runs that are not encoder–decoders are refused
 * with a message naming the problem.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { harness, trainTemplate } from './harness.ts';

const h = harness();
after(() => h.service.dispose());



describe('decode', () => {
  let reverse = '';
  before(async () => {
    reverse = await trainTemplate(h, 'reverse-attention.rnn.json', (g) => {
      g.dataset.params.samples = 96;
      g.dataset.params.length = 6;
      g.training.epochs = 2;
    });
  });

  it('a string source: one token per symbol, from the vocabulary, and attention rows that sum to 1', async () => {
    const r = await h.ok('decode', { runId: reverse, source: 'abcdhg' });
    assert.deepEqual(r.source, ['a', 'b', 'c', 'd', 'h', 'g']);
    assert.equal(r.tokens.length, 6, 'maxSteps defaults to the source length');
    assert.equal(r.ended, false, 'sequence-copy has no end token');
    for (const token of r.tokens) assert.ok('<s>abcdefgh'.includes(token) && token.length > 0, `'${token}' is a vocabulary entry`);
    assert.equal(r.attention.length, 1, 'one attention block');
    const { block, weights } = r.attention[0];
    assert.ok(typeof block === 'string' && block.length > 0);
    assert.equal(weights.length, 6, 'a row per decoder step');
    for (const [t, row] of weights.entries()) {
      assert.equal(row.length, 6, `row ${t} has a weight per source position`);
      assert.ok(row.every((w) => w >= 0 && w <= 1), `row ${t} holds weights in [0, 1]`);
      const sum = row.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `row ${t} sums to ${sum}`);
    }
  });

  it('a token list and maxSteps; the source may have another length than the training data', async () => {
    const r = await h.ok('decode', { runId: reverse, source: ['h', 'a', 'b', 'c'], maxSteps: 3 });
    assert.deepEqual(r.source, ['h', 'a', 'b', 'c']);
    assert.equal(r.tokens.length, 3);
    assert.equal(r.attention[0].weights.length, 3);
    assert.ok(r.attention[0].weights.every((row) => row.length === 4));
    const same = await h.ok('decode', { runId: reverse, source: 'habc', maxSteps: 3 });
    assert.deepEqual(same, r, 'a string reads the same as its characters');
  });

  it('refuses tokens outside the vocabulary, unknown runs, and runs that are not encoder–decoders', async () => {
    const outside = await h.fails('decode', { runId: reverse, source: 'abz' });
    assert.equal(outside.code, 'bad-message');
    assert.match(outside.message, /source\[2\]: 'z' is not in the run's vocabulary/);
    const listed = await h.fails('decode', { runId: reverse, source: ['a', 'ab'] });
    assert.match(listed.message, /source\[1\]: 'ab' is not in the run's vocabulary/);
    assert.equal((await h.fails('decode', { runId: 'run-unknown', source: 'ab' })).code, 'not-found');

    const weather = await trainTemplate(h, 'weather-food-jordan.rnn.json', (g) => {
      g.dataset.params.samples = 64;
      g.training.epochs = 1;
    });
    const plain = await h.fails('decode', { runId: weather, source: ['burger'] });
    assert.equal(plain.code, 'bad-message');
    assert.match(plain.message, /is not an encoder–decoder: no input block reads the stream 'decoderInput'/);
  });
});
