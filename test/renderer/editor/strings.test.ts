/**
 * The 'app' and 'editor' namespaces: English and Chinese have the same keys and the same
 * {{placeholders}}, and every key the code asks for exists (static keys found in the source, and
 * the keys built from catalog values such as diagnostic codes and categories).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { app } from '../../../renderer/i18n/app.ts';
import { editor } from '../../../renderer/editor/strings.ts';
import { CATEGORY_ORDER } from '../../../renderer/editor/block-catalog.ts';

type Tree = { readonly [key: string]: string | Tree };
const NAMESPACES: Record<string, { en: Tree; zh: Tree }> = { app, editor };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.startsWith('strings') ? [path] : [];
  });
}

const OWN_SOURCES = [...['renderer/editor', 'renderer/ui', 'renderer/forms', 'renderer/platform', 'renderer/connection'].flatMap(sourceFiles), 'renderer/App.tsx'];

describe('strings: English and Chinese', () => {
  for (const [ns, { en, zh }] of Object.entries(NAMESPACES))
    it(`'${ns}' has the same keys and placeholders in both, none empty`, () => {
      const e = leaves(en);
      const z = leaves(zh);
      assert.deepEqual([...z.keys()].sort(), [...e.keys()].sort());
      for (const [key, text] of e) {
        assert.ok(text.trim(), `${ns}:${key} (en) is empty`);
        assert.ok(z.get(key)?.trim(), `${ns}:${key} (zh) is empty`);
        assert.deepEqual(placeholders(z.get(key) ?? ''), placeholders(text), `${ns}:${key} placeholders`);
      }
    });
});

describe('strings: every key the code uses exists', () => {
  it('static keys in t(...) calls, by the namespace the file uses', () => {
    const missing: string[] = [];
    for (const file of OWN_SOURCES) {
      const text = readFileSync(file, 'utf8');
      const ns = /useTranslation\('(\w+)'\)/.exec(text)?.[1];
      if (!ns) continue;
      const keys = leaves(NAMESPACES[ns].en);
      for (const m of text.matchAll(/\bt\(\s*'([\w.-]+)'/g)) if (!keys.has(m[1])) missing.push(`${file}: ${ns}:${m[1]}`);
    }
    assert.deepEqual(missing, []);
  });

  it('form messages from the field checks', () => {
    const keys = leaves(app.en);
    const used = [...readFileSync('renderer/forms/schema-fields.ts', 'utf8').matchAll(/'(form\.\w+)'/g)].map((m) => m[1]);
    assert.ok(used.length > 5);
    assert.deepEqual(used.filter((k) => !keys.has(k)), []);
  });

  it('keys built from values: categories, port kinds, statuses, diagnostic codes', () => {
    const e = leaves(editor.en);
    const a = leaves(app.en);
    for (const c of CATEGORY_ORDER) assert.ok(e.has(`palette.category.${c}`), c);
    for (const k of ['sequence', 'vector', 'tokens', 'any', 'unknown']) assert.ok(e.has(`kind.${k}`), k);
    for (const s of ['starting', 'ready', 'crashed', 'restarting', 'stopped', 'disconnected', 'connecting']) assert.ok(a.has(`host.state.${s}`), s);
    const engineCodes = new Set(
      ['engine/graph/diagnostics.ts', 'renderer/store/connection-rules.ts'].flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'([a-z]+(?:-[a-z]+)+)'/g)].map((m) => m[1])),
    );
    assert.ok(engineCodes.has('kind-mismatch') && engineCodes.has('self-connection'));
    assert.deepEqual([...engineCodes].filter((c) => !e.has(`codes.${c}`)), []);
  });
});
