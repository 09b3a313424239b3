/**
 * Hot exit against the real engine service (through the real client and protocol) and the real
 * document store: edits are backed up into the workspace, saving removes the backup, the next
 * window offers and restores it, and damaged backups or a host that is down are reported.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBackupText } from '../../../engine/graph/backup.ts';
import { hostBackupStorage } from '../../../renderer/recovery/backup-storage.ts';
import type { BackupFailure } from '../../../renderer/recovery/backup-storage.ts';
import { DocumentBackups } from '../../../renderer/recovery/document-backups.ts';
import { createDocumentStore, type DocumentStore } from '../../../renderer/store/document-store.ts';
import { exampleGraph } from '../../../renderer/store/example-graph.ts';
import { createFakeHost, type FakeHost } from '../files/fake-host.ts';
import { fakeClock } from './fake-timers.ts';

const hosts: FakeHost[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.dispose();
});

function window(host: FakeHost, id: string, store: DocumentStore = createDocumentStore(exampleGraph())) {
  const clock = fakeClock();
  const errors: BackupFailure[] = [];
  let client: FakeHost['client'] | null = host.client;
  const backups = new DocumentBackups({ store, storage: hostBackupStorage(() => client), onError: (f) => errors.push(f), newId: () => id, timers: clock, delayMs: 1000, maxWaitMs: 4000 });
  backups.start();
  return { store, clock, errors, backups, offline: () => (client = null) };
}

/** The backup files in the workspace; the host's own request parsing has run on each. */
const backupFiles = (host: FakeHost) => {
  const folder = join(host.workspace, '.rnn-studio', 'backups');
  return existsSync(folder) ? readdirSync(folder).sort() : [];
};


describe('document backups', () => {
  it('backs up an edited document a second after the edit, and removes the backup when it is saved', async () => {
    const host = createFakeHost();
    hosts.push(host);
    const w = window(host, 'window-aaaa');
    w.store.getState().setName('edited name');
    await w.clock.advance(999);
    assert.deepEqual(backupFiles(host), []);
    await w.clock.advance(1);
    await w.backups.flush(); // every queued write and removal done
    assert.deepEqual(backupFiles(host), ['window-aaaa.backup.json']);
    const stored = parseBackupText(readFileSync(join(host.workspace, '.rnn-studio', 'backups', 'window-aaaa.backup.json'), 'utf8'));
    assert.ok(stored.ok);
    assert.deepEqual(stored.backup.document, w.store.getState().doc);
    assert.equal(stored.backup.path, null);

    w.store.getState().markSaved(join(host.workspace, 'edited.rnn.json'));
    await w.backups.flush();
    assert.deepEqual(backupFiles(host), []);
    assert.deepEqual(w.errors, []);
  });

  it('the next window offers the backup, restores it unsaved at its original path, and saving removes it', async () => {
    const host = createFakeHost();
    hosts.push(host);
    const first = window(host, 'window-bbbb');
    const path = join(host.workspace, 'mine.rnn.json');
    first.store.getState().load(exampleGraph(), path);
    const added = first.store.getState().addNode('dense', { x: 400, y: 300 });
    first.store.getState().setLabel(added, 'renamed block');
    await first.clock.advance(1000);
    await first.backups.flush();
    const edited = first.store.getState().doc;

    // A reload: a new page, a new store with the example graph, a new window id.
    const second = window(host, 'window-cccc');
    const offers = await second.backups.offers();
    assert.ok(offers.ok);
    assert.deepEqual(offers.value.map((b) => (b.state === 'ok' ? [b.id, b.name, b.path] : b.problem)), [['window-bbbb', edited.name, path]]);
    const own = await first.backups.offers();
    assert.ok(own.ok && own.value.length === 0, 'a window is not offered its own backup');

    const restored = await second.backups.restore('window-bbbb');
    assert.deepEqual(restored, { ok: true, name: edited.name });
    const s = second.store.getState();
    assert.deepEqual([s.doc, s.path, s.dirty, second.backups.id], [edited, path, true, 'window-bbbb']);
    assert.equal(s.doc.nodes.find((n) => n.id === added)?.label, 'renamed block');

    // Undoing nothing and saving: the restored document is clean, its backup goes.
    await second.clock.advance(1000);
    await second.backups.flush();
    assert.deepEqual(backupFiles(host), ['window-bbbb.backup.json']);
    second.store.getState().markSaved(path);
    await second.backups.flush();
    assert.deepEqual(backupFiles(host), []);
  });

  it('a restored document stays unsaved after an edit is undone', async () => {
    const host = createFakeHost();
    hosts.push(host);
    const first = window(host, 'window-dddd');
    first.store.getState().setName('before the crash');
    await first.clock.advance(1000);
    await first.backups.flush();
    const second = window(host, 'window-eeee');
    assert.ok((await second.backups.restore('window-dddd')).ok);
    second.store.getState().setName('x');
    second.store.getState().undo();
    assert.equal(second.store.getState().dirty, true);
    await second.clock.advance(5000);
    await second.backups.flush();
    assert.deepEqual(backupFiles(host), ['window-dddd.backup.json']);
  });

  it('a damaged or cut-off backup is offered as damaged; restoring it changes nothing', async () => {
    const host = createFakeHost();
    hosts.push(host);
    const folder = join(host.workspace, '.rnn-studio', 'backups');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'window-ffff.backup.json'), '{"format":"rnn-studio-backup","version":1,"id":"window-ffff","savedAt":');
    const w = window(host, 'window-gggg');
    const before = w.store.getState().doc;
    const offers = await w.backups.offers();
    assert.ok(offers.ok);
    assert.equal(offers.value[0]?.state, 'damaged');
    const restored = await w.backups.restore('window-ffff');
    assert.ok(!restored.ok && restored.failure.kind === 'damaged');
    assert.match(restored.failure.problem, /cut off or damaged/);
    assert.equal(w.store.getState().doc, before);
    assert.ok((await w.backups.discard('window-ffff')).ok);
    assert.deepEqual(backupFiles(host), []);
  });

  it('a window closed after the user chose not to save takes its backup with it', async () => {
    const host = createFakeHost();
    hosts.push(host);
    const w = window(host, 'window-iiii');
    w.store.getState().setName('not wanted');
    await w.clock.advance(1000);
    await w.backups.flush();
    assert.deepEqual(backupFiles(host), ['window-iiii.backup.json']);
    await w.backups.closedByChoice();
    assert.deepEqual(backupFiles(host), []);
  });

  it('reports once that backups cannot be written while the engine is away', async () => {
    const host = createFakeHost();
    hosts.push(host);
    const w = window(host, 'window-hhhh');
    w.offline();
    for (let i = 0; i < 3; i++) {
      w.store.getState().setName(`offline ${i}`);
      await w.clock.advance(1000);
    }
    assert.deepEqual(w.errors, [{ kind: 'offline' }]);
  });
});
