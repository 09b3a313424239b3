/**
 * The browser's file service against the real protocol client and the host's real workspace:
 * open, save in place, Save As with and without overwriting, recent files that vanish, templates
 * that are never written over, and a host that is down.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBrowserFileService, graphFilesIn } from '../../../renderer/files/browser-file-service.ts';
import type { FileService, Outcome } from '../../../renderer/files/file-service.ts';
import { RECENT_STORAGE_KEY } from '../../../renderer/files/recent-files.ts';
import { listTemplates, readTemplate } from '../../../renderer/files/templates.ts';
import type { EngineClient } from '../../../engine/protocol/client.ts';
import { createFakeHost, type FakeHost } from './fake-host.ts';
import { memoryStorage, scriptedPrompts, type PromptAnswer, type ScriptedPrompts } from './helpers.ts';

const GRAPH = '{"format":"rnn-studio.graph","version":1,"name":"g","nodes":[],"edges":[]}\n';

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) assert.fail(`expected success, got ${JSON.stringify(outcome.failure)}`);
  return outcome.value;
}

describe('browser file service', () => {
  let host: FakeHost;
  let client: EngineClient | null;
  let storage: ReturnType<typeof memoryStorage>;
  let downloads: { text: string; name: string }[];
  let prompts: ScriptedPrompts;

  const service = (answers: PromptAnswer[] = []): FileService => {
    prompts = scriptedPrompts(answers);
    return createBrowserFileService({ getClient: () => client, prompts, storage, download: (text, name) => void downloads.push({ text, name }) });
  };
  const put = (name: string, text: string) => writeFileSync(join(host.workspace, name), text);
  const onDisk = (name: string) => readFileSync(join(host.workspace, name), 'utf8');
  const recentNames = () => JSON.parse(storage.data.get(RECENT_STORAGE_KEY) ?? '[]') as string[];

  beforeEach(() => {
    host = createFakeHost();
    client = host.client;
    storage = memoryStorage();
    downloads = [];
  });
  afterEach(() => {
    assert.deepEqual(prompts.pending, [], 'every scripted answer is used');
    host.dispose();
  });

  it('opens a file picked from the workspace listing and remembers it', async () => {
    put('b.rnn.json', GRAPH);
    put('a.json', '{}');
    put('trained.rnn-model.json', '{}');
    const files = service([{ open: 'b.rnn.json' }]);
    const opened = value(await files.open());
    assert.deepEqual(opened, { path: join(host.workspace, 'b.rnn.json'), name: 'b.rnn.json', text: GRAPH });
    assert.equal(prompts.listings[0].workspace, host.workspace);
    assert.deepEqual(prompts.listings[0].files.map((f) => f.name).sort(), ['a.json', 'b.rnn.json', 'trained.rnn-model.json'], 'trained models are offered beside graphs');
    assert.deepEqual(recentNames(), ['b.rnn.json']);
    assert.ok(files.canSaveInPlace(opened.path));
  });

  it('does nothing when the open dialog is cancelled', async () => {
    const files = service([{ open: null }]);
    assert.equal(value(await files.open()), null);
    assert.deepEqual(
      host.requests.map((r) => r.method),
      ['files.list'],
    );
  });

  it('saves an opened file in place, overwriting it', async () => {
    put('g.rnn.json', GRAPH);
    const files = service([{ open: 'g.rnn.json' }]);
    const opened = value(await files.open());
    assert.ok(opened);
    const saved = value(await files.save(opened.path, 'changed\n', 'ignored.rnn.json'));
    assert.deepEqual(saved, { path: opened.path, name: 'g.rnn.json' });
    assert.equal(onDisk('g.rnn.json'), 'changed\n');
    const write = host.requests.at(-1);
    assert.equal(write?.method, 'files.write');
    assert.deepEqual(write?.params, { name: 'g.rnn.json', text: 'changed\n', overwrite: true });
  });

  it('saves a new document as a new file with the name typed, adding the extension', async () => {
    const files = service([{ saveName: 'my net' }]);
    const saved = value(await files.save(null, GRAPH, 'untitled.rnn.json'));
    assert.deepEqual(saved, { path: join(host.workspace, 'my net.rnn.json'), name: 'my net.rnn.json' });
    assert.deepEqual(prompts.asked, ['save:untitled.rnn.json']);
    assert.equal(onDisk('my net.rnn.json'), GRAPH);
    assert.deepEqual(recentNames(), ['my net.rnn.json']);
    assert.ok(files.canSaveInPlace(saved?.path ?? ''));
  });

  it('asks before replacing an existing file, and goes back to the dialog on "no"', async () => {
    put('taken.rnn.json', 'old\n');
    const files = service([{ saveName: 'taken' }, { overwrite: false }, { saveName: 'taken' }, { overwrite: true }]);
    const saved = value(await files.saveAs(GRAPH, 'x.rnn.json'));
    assert.equal(saved?.name, 'taken.rnn.json');
    assert.deepEqual(prompts.asked, ['save:x.rnn.json', 'overwrite:taken.rnn.json', 'save:taken.rnn.json', 'overwrite:taken.rnn.json']);
    assert.equal(onDisk('taken.rnn.json'), GRAPH);
  });

  it('asks when the file appeared after the dialog listed the workspace', async () => {
    const files = service([{ saveName: 'race' }, { overwrite: false }]);
    // The file is created between the listing and the write.
    const original = prompts.chooseSaveName.bind(prompts);
    prompts.chooseSaveName = async (listing, suggested) => {
      const name = await original(listing, suggested);
      put('race.rnn.json', 'someone else\n');
      return name;
    };
    assert.equal(value(await files.saveAs(GRAPH, 'x.rnn.json')), null);
    assert.equal(onDisk('race.rnn.json'), 'someone else\n', 'the other file is kept');
  });

  it('treats a path it did not open (a template) as read-only: Save asks for a name', async () => {
    const [template] = value(await listTemplates(client));
    const opened = value(await readTemplate(client, template));
    const before = readFileSync(opened.path, 'utf8');
    const files = service([{ saveName: 'mine' }]);
    assert.equal(files.canSaveInPlace(opened.path), false);
    const saved = value(await files.save(opened.path, GRAPH, 'suggested.rnn.json'));
    assert.equal(saved?.path, join(host.workspace, 'mine.rnn.json'));
    assert.equal(readFileSync(opened.path, 'utf8'), before, 'the template is untouched');
  });

  it('opens a recent file, and drops one that no longer exists with a clear failure', async () => {
    put('kept.rnn.json', GRAPH);
    put('gone.rnn.json', GRAPH);
    const files = service([{ open: 'gone.rnn.json' }, { open: 'kept.rnn.json' }]);
    await files.open();
    await files.open();
    assert.deepEqual(
      (await files.recent()).map((r) => r.name),
      ['kept.rnn.json', 'gone.rnn.json'],
    );
    rmSync(join(host.workspace, 'gone.rnn.json'));
    const [kept, gone] = await files.recent();
    assert.deepEqual(await files.openRecent(gone), { ok: false, failure: { kind: 'missing', name: 'gone.rnn.json' } });
    assert.deepEqual(
      (await files.recent()).map((r) => r.name),
      ['kept.rnn.json'],
    );
    assert.equal(value(await files.openRecent(kept)).text, GRAPH);
  });

  it('keeps the recent list in storage across services (a page reload)', async () => {
    put('a.rnn.json', GRAPH);
    await service([{ open: 'a.rnn.json' }]).open();
    const reloaded = service();
    assert.deepEqual(
      (await reloaded.recent()).map((r) => r.key),
      ['a.rnn.json'],
    );
  });

  it('reports the engine as offline without asking anything when there is no connection', async () => {
    client = null;
    const files = service();
    const offline = { ok: false, failure: { kind: 'engine-offline' } };
    assert.deepEqual(await files.open(), offline);
    assert.deepEqual(await files.saveAs(GRAPH, 'x.rnn.json'), offline);
    assert.deepEqual(await files.openRecent({ key: 'a.rnn.json', name: 'a.rnn.json', detail: '' }), offline);
    assert.deepEqual(await listTemplates(null), offline);
    assert.equal(host.requests.length, 0);
  });

  it('reports the engine as offline when the connection dropped', async () => {
    host.disconnect();
    const files = service();
    assert.deepEqual(await files.open(), { ok: false, failure: { kind: 'engine-offline' } });
  });

  it('passes on the host’s own words for other failures', async () => {
    const files = service();
    rmSync(host.workspace, { recursive: true });
    const outcome = await files.saveAs(GRAPH, 'x.rnn.json');
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && outcome.failure.kind === 'error' && outcome.failure.message.includes(host.workspace), JSON.stringify(outcome));
  });

  it('exports as a download under the suggested name', async () => {
    const files = service();
    assert.deepEqual(value(await files.exportText(GRAPH, 'g.rnn.json')), { name: 'g.rnn.json' });
    assert.deepEqual(downloads, [{ text: GRAPH, name: 'g.rnn.json' }]);
  });
});

describe('workspace listing', () => {
  it('offers graph and model files newest first', () => {
    const entry = (name: string, modified: number) => ({ name, size: 1, modified });
    assert.deepEqual(
      graphFilesIn([entry('old.rnn.json', 1), entry('m.rnn-model.json', 9), entry('new.json', 5), entry('b.rnn.json', 5)]).map((f) => f.name),
      ['m.rnn-model.json', 'b.rnn.json', 'new.json', 'old.rnn.json'],
    );
  });
});
