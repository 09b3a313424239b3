/** The palette's groups and search, port kinds and the param summary drawn on a node. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCKS, getBlock } from '../../../engine/blocks/registry.ts';
import { inputPortKind, kindOfType, paletteGroups, paramSummary } from '../../../renderer/editor/block-catalog.ts';
import { BLOCK_SYNONYMS } from '../../../renderer/editor/block-synonyms.ts';

const types = (query: string) => paletteGroups(query).flatMap((g) => g.blocks.map((b) => b.type));

describe('palette', () => {
  it('lists every block once, data first and primitives last', () => {
    const groups = paletteGroups('');
    assert.equal(groups[0].category, 'data');
    assert.equal(groups.at(-1)?.category, 'primitive');
    assert.deepEqual(types('').sort(), BLOCKS.map((b) => b.type).sort());
  });

  it('search matches English and Chinese labels and the type, ignoring case', () => {
    assert.ok(types('lstm').includes('lstm'));
    assert.ok(!types('lstm').includes('gru'));
    assert.equal(types('Last STEP')[0], 'lastStep');
    assert.ok(!types('Last STEP').includes('lstm'));
    assert.ok(types('长短期').includes('lstm'));
    assert.ok(!types('长短期').includes('dense'));
    assert.ok(types('延迟').includes('delay'));
    assert.ok(types('dense').includes('dense'));
    assert.deepEqual(types('no such block'), []);
  });

  it('"gate" and "门" find the gated cells, through their help text and synonyms', () => {
    for (const query of ['gate', 'gated', '门', '门控']) {
      const found = types(query);
      for (const gated of ['lstm', 'gru', 'minimalGatedUnit', 'peepholeLstm']) assert.ok(found.includes(gated), `"${query}" finds ${gated} (found ${found.join(', ')})`);
      assert.ok(!found.includes('dense') && !found.includes('input'), `"${query}" finds no ungated block (found ${found.join(', ')})`);
    }
  });

  it('other names in either language find a block', () => {
    assert.ok(types('fully connected').includes('dense'));
    assert.ok(types('感知机').includes('dense'));
    assert.ok(types('cross-entropy').includes('output'));
    assert.ok(types('交叉熵').includes('output'));
    assert.ok(types('feedback').includes('delay'));
    assert.ok(types('正则化').includes('dropout'));
  });

  it('help text is searched, and a typo is forgiven', () => {
    assert.ok(types('forget').includes('lstm'), 'the LSTM\'s help names its forget gate');
    assert.ok(types('遗忘门').includes('lstm'));
    assert.ok(types('lsmt').includes('lstm'));
    assert.ok(types('atention').includes('attention'));
  });

  it('within a category the best match comes first', () => {
    const recurrent = paletteGroups('gru').find((g) => g.category === 'recurrent')!;
    assert.equal(recurrent.blocks[0].type, 'gru');
  });

  it('every synonym list names a block of the catalog', () => {
    const known = new Set(BLOCKS.map((b) => b.type));
    for (const type of Object.keys(BLOCK_SYNONYMS)) assert.ok(known.has(type), `synonyms for unknown block '${type}'`);
  });
});

describe('port kinds', () => {
  it('inputs show what they accept until the analysis knows better', () => {
    const lstmIn = getBlock('lstm')!.inputs[0];
    const denseIn = getBlock('dense')!.inputs[0];
    const embeddingIn = getBlock('embedding')!.inputs[0];
    assert.equal(inputPortKind(lstmIn, undefined), 'sequence');
    assert.equal(inputPortKind(denseIn, undefined), 'any');
    assert.equal(inputPortKind(embeddingIn, undefined), 'tokens');
    assert.equal(inputPortKind(denseIn, { kind: 'vector', size: 3, tokens: false }), 'vector');
  });

  it('outputs are known only from the analysis', () => {
    assert.equal(kindOfType(undefined), 'unknown');
    assert.equal(kindOfType({ kind: 'sequence', size: 40, tokens: true }), 'tokens');
  });
});

describe('param summary', () => {
  it('shows the main params, then those set away from their default, at most three', () => {
    const lstm = getBlock('lstm')!;
    assert.deepEqual(paramSummary(lstm, { units: 64 }), [{ key: 'units', value: 64 }]);
    assert.deepEqual(paramSummary(lstm, { units: 64, returnSequences: false, activation: 'relu' }), [
      { key: 'units', value: 64 },
      { key: 'activation', value: 'relu' },
      { key: 'returnSequences', value: false },
    ]);
    assert.deepEqual(paramSummary(getBlock('input')!, { kind: 'tokens', size: 40 }), [
      { key: 'kind', value: 'tokens' },
      { key: 'size', value: 40 },
    ]);
  });

  it('shows what the user wrote even when it is invalid', () => {
    assert.deepEqual(paramSummary(getBlock('dense')!, { units: 0 }), [{ key: 'units', value: 0 }]);
  });
});
