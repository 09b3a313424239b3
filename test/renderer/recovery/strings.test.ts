/** The 'recovery' namespace: the same keys and {{placeholders}} in English and Chinese, and every key the code asks for exists. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recovery } from '../../../renderer/recovery/strings.ts';

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('recovery strings', () => {
  it('has the same keys and placeholders in both languages, none empty', () => {
    assert.deepEqual(Object.keys(recovery.zh).sort(), Object.keys(recovery.en).sort());
    for (const [key, text] of Object.entries(recovery.en)) {
      const zh = recovery.zh[key as keyof typeof recovery.en];
      assert.ok(text.trim() && zh.trim(), key);
      assert.deepEqual(placeholders(zh), placeholders(text), key);
    }
  });

  it('every key the recovery code uses exists', () => {
    const dir = 'renderer/recovery';
    const used = readdirSync(dir)
      .filter((n) => n.endsWith('.tsx'))
      .flatMap((n) => [...readFileSync(join(dir, n), 'utf8').matchAll(/\bt\('(\w+)'|i18n\.t\('(\w+)'/g)].map((m) => m[1] ?? m[2]));
    assert.ok(used.length > 10, `found ${used.length} keys`);
    for (const key of used) assert.ok(Object.hasOwn(recovery.en, key), key);
  });
});
