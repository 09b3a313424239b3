import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecentFile } from '../../electron/common/api.ts';
import { MAX_RECENT_FILES, RecentFiles } from '../../electron/main/recent-files.ts';

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(platform: NodeJS.Platform = 'linux') {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-recent-'));
  folders.push(dir);
  const file = join(dir, 'user-data', 'recent-files.json');
  const logs: string[] = [];
  const added: string[] = [];
  const changes: (readonly RecentFile[])[] = [];
  const recent = new RecentFiles({ file, platform, log: (m) => logs.push(m), onAdded: (p) => added.push(p), onChanged: (f) => changes.push(f) });
  const touch = (name: string) => {
    const path = join(dir, name);
    writeFileSync(path, '{}');
    return path;
  };
  const stored = (): unknown => JSON.parse(readFileSync(file, 'utf8'));
  return { dir, file, logs, added, changes, recent, touch, stored };
}

describe('recent files', () => {
  it('starts empty when there is no list yet', async () => {
    const s = setup();
    assert.deepEqual(await s.recent.list(), []);
    assert.deepEqual(s.logs, []);
  });

  it('keeps the newest first, moves a reopened file up instead of repeating it, and tells the OS', async () => {
    const s = setup();
    const a = s.touch('a.rnn.json');
    const b = s.touch('b.rnn.json');
    await s.recent.add(a);
    await s.recent.add(b);
    await s.recent.add(a);
    assert.deepEqual(await s.recent.list(), [
      { path: a, name: 'a.rnn.json' },
      { path: b, name: 'b.rnn.json' },
    ]);
    assert.deepEqual(s.added, [a, b, a]);
    assert.deepEqual(s.stored(), { version: 1, files: [a, b] });
    assert.deepEqual(s.changes.at(-1)?.map((f) => f.name), ['a.rnn.json', 'b.rnn.json']);
  });

  it('treats paths that differ only in case as one file on Windows and macOS', async () => {
    const s = setup('darwin');
    const a = s.touch('Graph.rnn.json');
    await s.recent.add(a);
    await s.recent.add(a.replace('Graph', 'graph'));
    assert.equal((s.stored() as { files: string[] }).files.length, 1);
    assert.equal(await s.recent.includes(a.toUpperCase()), true);
  });

  it(`keeps at most ${MAX_RECENT_FILES}`, async () => {
    const s = setup();
    const paths = Array.from({ length: MAX_RECENT_FILES + 3 }, (_, i) => s.touch(`g${i}.rnn.json`));
    for (const path of paths) await s.recent.add(path);
    const list = await s.recent.list();
    assert.equal(list.length, MAX_RECENT_FILES);
    assert.deepEqual(list.map((f) => f.path), paths.slice(-MAX_RECENT_FILES).reverse());
  });

  it('drops files that no longer exist, and saves the shorter list', async () => {
    const s = setup();
    const kept = s.touch('kept.rnn.json');
    const gone = s.touch('gone.rnn.json');
    await s.recent.add(kept);
    await s.recent.add(gone);
    rmSync(gone);
    assert.deepEqual(await s.recent.list(), [{ path: kept, name: 'kept.rnn.json' }]);
    assert.deepEqual(s.stored(), { version: 1, files: [kept] });
  });

  it('recovers from a damaged list: logs it, reads it as empty, and replaces it on the next save', async () => {
    for (const damaged of ['{"version":1,"files":["/a.rnn.json",', '{"version":7,"files":[]}', '{"files":"not a list"}', '[1,2,3]']) {
      const s = setup();
      mkdirSync(join(s.dir, 'user-data'));
      writeFileSync(s.file, damaged);
      assert.deepEqual(await s.recent.list(), [], damaged);
      assert.equal(s.logs.length, 1, damaged);
      assert.match(s.logs[0], /recent-files\.json/);
      const a = s.touch('a.rnn.json');
      await s.recent.add(a);
      assert.deepEqual(s.stored(), { version: 1, files: [a] });
      assert.deepEqual(readdirSync(join(s.dir, 'user-data')), ['recent-files.json']);
    }
  });

  it('removes duplicates and extra entries written by hand', async () => {
    const s = setup();
    const a = s.touch('a.rnn.json');
    mkdirSync(join(s.dir, 'user-data'));
    const many = Array.from({ length: 15 }, (_, i) => s.touch(`m${i}.rnn.json`));
    writeFileSync(s.file, JSON.stringify({ version: 1, files: [a, a, ...many] }));
    const list = await s.recent.list();
    assert.equal(list.length, MAX_RECENT_FILES);
    assert.equal(list.filter((f) => f.path === a).length, 1);
  });

  it('runs concurrent additions one after another, losing none', async () => {
    const s = setup();
    const paths = Array.from({ length: 6 }, (_, i) => s.touch(`c${i}.rnn.json`));
    await Promise.all(paths.map((p) => s.recent.add(p)));
    assert.deepEqual((await s.recent.list()).map((f) => f.path).sort(), [...paths].sort());
  });

  it('takes a file off the list, in any case where the system ignores case', async () => {
    const s = setup('win32');
    const [a, b] = [s.touch('a.rnn.json'), s.touch('b.rnn.json')];
    await s.recent.add(a);
    await s.recent.add(b);
    await s.recent.remove(a.toUpperCase());
    assert.deepEqual((await s.recent.list()).map((f) => f.path), [b]);
    await s.recent.remove(join(s.dir, 'never-listed.rnn.json'));
    assert.deepEqual((await s.recent.list()).map((f) => f.path), [b]);
  });

  it('clears the list', async () => {
    const s = setup();
    await s.recent.add(s.touch('a.rnn.json'));
    await s.recent.clear();
    assert.deepEqual(await s.recent.list(), []);
    assert.deepEqual(s.stored(), { version: 1, files: [] });
  });
});
