/** The File menu's text: the same keys in English and Chinese, none empty, Chinese really Chinese. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { files } from '../../../renderer/files/strings.ts';

function flatten(obj: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string') out.set(`${prefix}${k}`, v);
    else if (typeof v === 'object' && v !== null) for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('files strings', () => {
  const en = flatten(files.en);
  const zh = flatten(files.zh);

  it('has the same keys in both languages', () => assert.deepEqual([...zh.keys()].sort(), [...en.keys()].sort()));

  it('uses the same placeholders in both languages', () => {
    for (const [key, text] of en) assert.deepEqual(placeholders(zh.get(key) ?? ''), placeholders(text), key);
  });

  it('has no empty text and Chinese in every Chinese string', () => {
    for (const [key, text] of en) assert.ok(text.trim().length > 0, key);
    for (const [key, text] of zh) assert.match(text, /[\u4e00-\u9fff]/, key);
  });
});
