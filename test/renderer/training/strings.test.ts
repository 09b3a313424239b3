/**
 * The Training and Unrolled tabs' text: the same keys in English and Chinese, nothing empty, the
 * same {{placeholders}} on both sides (a missing one would show a raw brace or drop a number), and
 * Chinese that is actually Chinese.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { training } from '../../../renderer/training/strings.ts';
import { unrolled } from '../../../renderer/unrolled/strings.ts';

type Tree = { readonly [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

for (const [name, strings] of [['training', training], ['unrolled', unrolled]] as const) {
  describe(`${name} strings`, () => {
    const en = leaves(strings.en);
    const zh = leaves(strings.zh);

    test('English and Chinese have the same keys', () => {
      assert.deepEqual([...zh.keys()].sort(), [...en.keys()].sort());
    });

    test('no text is empty and both languages use the same placeholders', () => {
      for (const [key, text] of en) {
        assert.ok(text.trim().length > 0, `en ${key} is empty`);
        assert.ok(zh.get(key)!.trim().length > 0, `zh ${key} is empty`);
        assert.deepEqual(placeholders(zh.get(key)!), placeholders(text), `placeholders of ${key}`);
      }
    });

    test('the Chinese text is written in Chinese', () => {
      const han = [...zh.values()].filter((v) => /\p{Script=Han}/u.test(v)).length;
      assert.ok(han / zh.size > 0.75, `${han} of ${zh.size} Chinese strings contain Chinese characters`);
    });
  });
}
