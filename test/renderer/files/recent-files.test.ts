/** The browser's recent files: newest first, no duplicates, ten at most, robust to bad storage. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forgetRecent, readRecent, RECENT_LIMIT, RECENT_STORAGE_KEY, rememberRecent, writeRecent } from '../../../renderer/files/recent-files.ts';
import { memoryStorage } from './helpers.ts';

describe('recent files', () => {
  it('puts the newest first and moves a name seen again to the front', () => {
    let list: string[] = [];
    for (const name of ['a.rnn.json', 'b.rnn.json', 'c.rnn.json', 'a.rnn.json']) list = rememberRecent(list, name);
    assert.deepEqual(list, ['a.rnn.json', 'c.rnn.json', 'b.rnn.json']);
  });

  it(`keeps the last ${RECENT_LIMIT}`, () => {
    let list: string[] = [];
    for (let i = 1; i <= 13; i++) list = rememberRecent(list, `g${i}.rnn.json`);
    assert.equal(list.length, RECENT_LIMIT);
    assert.equal(list[0], 'g13.rnn.json');
    assert.equal(list[RECENT_LIMIT - 1], 'g4.rnn.json');
  });

  it('removes a name and leaves the others in order', () => {
    assert.deepEqual(forgetRecent(['a', 'b', 'c'], 'b'), ['a', 'c']);
    assert.deepEqual(forgetRecent(['a', 'c'], 'x'), ['a', 'c']);
  });

  it('survives a round trip through storage', () => {
    const storage = memoryStorage();
    writeRecent(storage, ['x.rnn.json', 'y.rnn.json']);
    assert.equal(storage.data.get(RECENT_STORAGE_KEY), '["x.rnn.json","y.rnn.json"]');
    assert.deepEqual(readRecent(storage), ['x.rnn.json', 'y.rnn.json']);
  });

  it('reads a hand-edited list with duplicates and too many names as a proper one', () => {
    const names = ['a', 'b', 'a', ...Array.from({ length: 12 }, (_, i) => `n${i}`)];
    const list = readRecent(memoryStorage({ [RECENT_STORAGE_KEY]: JSON.stringify(names) }));
    assert.deepEqual(list, ['a', 'b', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']);
  });

  const broken: [string, string][] = [
    ['not JSON', '{oops'],
    ['not a list', '{"a":1}'],
    ['not names', '[1,2]'],
    ['an empty name', '[""]'],
  ];
  for (const [what, raw] of broken) {
    it(`treats ${what} as an empty list`, () => assert.deepEqual(readRecent(memoryStorage({ [RECENT_STORAGE_KEY]: raw })), []));
  }

  it('works without storage and with storage that throws', () => {
    assert.deepEqual(readRecent(undefined), []);
    const throwing = {
      getItem: (): string | null => {
        throw new Error('SecurityError');
      },
      setItem: (): void => {
        throw new Error('QuotaExceededError');
      },
    };
    assert.deepEqual(readRecent(throwing), []);
    assert.doesNotThrow(() => writeRecent(throwing, ['a']));
  });
});
