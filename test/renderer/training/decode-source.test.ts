/**
 * The decode box's logic: which runs it shows for, an example source drawn from the dataset, how
 * typed text becomes the request's source, and the attention map's shading.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphDocument } from '../../../engine/graph/schema.ts';
import { attentionCells, canDecode, exampleSource, sourceParam } from '../../../renderer/training/decode-source.ts';

const graph = (nodes: GraphDocument['nodes']) => ({ nodes }) as unknown as GraphDocument;

describe('decode source', () => {
  test('shown for sequence-copy, or any graph with an input on decoderInput', () => {
    assert.equal(canDecode('sequence-copy', graph([])), true);
    assert.equal(canDecode('text', graph([])), false);
    const decoder = { id: 'p', type: 'input', params: { stream: 'decoderInput', kind: 'tokens', size: 5 }, position: { x: 0, y: 0 } };
    assert.equal(canDecode(null, graph([decoder] as GraphDocument['nodes'])), true);
    assert.equal(canDecode(null, graph([{ ...decoder, params: { kind: 'tokens', size: 5 } }] as GraphDocument['nodes'])), false);
  });

  test('an example: as long as the dataset says, of its symbols only, different seeds differ', () => {
    const dataset = { type: 'sequence-copy', params: { task: 'reverse', length: 12, symbols: 4 } };
    const a = exampleSource(dataset, 1);
    assert.equal(a.length, 12);
    assert.match(a, /^[abcd]+$/);
    assert.equal(exampleSource(dataset, 1), a, 'the same seed gives the same example');
    const others = [2, 3, 4, 5].map((s) => exampleSource(dataset, s));
    assert.ok(others.some((o) => o !== a));
    assert.equal(exampleSource({ type: 'text', params: {} }, 1), '');
    assert.equal(exampleSource({ type: 'sequence-copy', params: { length: 1 } }, 1), '', 'params that do not parse');
    assert.equal(exampleSource(undefined, 1), '');
  });

  test('typed text: empty is nothing, spaces make a list of tokens, otherwise the text as it is', () => {
    assert.equal(sourceParam('  '), null);
    assert.equal(sourceParam(' abc '), 'abc');
    assert.deepEqual(sourceParam('<s> a  b'), ['<s>', 'a', 'b']);
  });

  test('attention cells: one per weight, row-major, the largest weight darkest', () => {
    const cells = attentionCells([
      [0.1, 0.9],
      [0.6, 0.4],
    ]);
    assert.deepEqual(cells.map((c) => [c.row, c.col]), [[0, 0], [0, 1], [1, 0], [1, 1]]);
    assert.equal(cells[1].shade, 1);
    assert.ok(Math.abs(cells[2].shade - 0.6 / 0.9) < 1e-12);
    assert.deepEqual(attentionCells([[0, 0]]).map((c) => c.shade), [0, 0]);
  });
});
