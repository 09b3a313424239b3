/**
 * backups.* through the engine service: backups live in the workspace's hidden folder, are
 * written atomically and only when whole, are bounded in size, never reach outside the workspace
 * through a link, and a damaged one is listed with its problem instead of failing the list.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BackupRefused, createBackupFolder } from '../../../engine/files/backups.ts';
import { serializeBackup } from '../../../engine/graph/backup.ts';
import { ClientMessage } from '../../../engine/protocol/index.ts';
import { graph } from '../../helpers/graphs.ts';
import { harness } from './harness.ts';

const top = mkdtempSync(join(tmpdir(), 'rnn-backups-'));
after(() => rmSync(top, { recursive: true, force: true }));

function setup() {
  const workspace = mkdtempSync(join(top, 'ws-'));
  const h = harness({ workspace });
  const folder = join(workspace, '.rnn-studio', 'backups');
  return { h, workspace, folder };
}

const backupText = (id: string, name: string, savedAt = 1_700_000_000_000, path: string | null = null) =>
  serializeBackup({ id, savedAt, path, document: graph({}, [], name) });

describe('backups.* in the workspace', () => {
  it('writes, lists newest first, reads back and removes; files.list never shows them', async () => {
    const { h, folder } = setup();
    await h.ok('backups.write', { id: 'aaaa-1111', text: backupText('aaaa-1111', 'older', 1000, '/ws/older.rnn.json') });
    await h.ok('backups.write', { id: 'bbbb-2222', text: backupText('bbbb-2222', 'newer', 2000) });
    const { backups } = await h.ok('backups.list', {});
    assert.deepEqual(
      backups.map((b) => (b.state === 'ok' ? [b.id, b.name, b.path, b.savedAt] : b.problem)),
      [
        ['bbbb-2222', 'newer', null, 2000],
        ['aaaa-1111', 'older', '/ws/older.rnn.json', 1000],
      ],
    );
    assert.equal((await h.ok('backups.read', { id: 'aaaa-1111' })).text, backupText('aaaa-1111', 'older', 1000, '/ws/older.rnn.json'));
    assert.deepEqual((await h.ok('files.list', {})).files, []);
    await h.ok('backups.remove', { id: 'aaaa-1111' });
    await h.ok('backups.remove', { id: 'aaaa-1111' });
    assert.deepEqual(readdirSync(folder), ['bbbb-2222.backup.json']);
    assert.equal((await h.fails('backups.read', { id: 'aaaa-1111' })).code, 'not-found');
  });

  it('a later write replaces the backup whole and leaves no temporary file', async () => {
    const { h, folder } = setup();
    await h.ok('backups.write', { id: 'cccc-3333', text: backupText('cccc-3333', 'first') });
    await h.ok('backups.write', { id: 'cccc-3333', text: backupText('cccc-3333', 'second') });
    assert.deepEqual(readdirSync(folder), ['cccc-3333.backup.json']);
    assert.equal(readFileSync(join(folder, 'cccc-3333.backup.json'), 'utf8'), backupText('cccc-3333', 'second'));
  });

  it('refuses text that is not a whole backup of that id, and ids that could name another file', async () => {
    const { h, folder } = setup();
    const cut = backupText('dddd-4444', 'cut');
    const partial = await h.fails('backups.write', { id: 'dddd-4444', text: cut.slice(0, cut.length - 10) });
    assert.equal(partial.code, 'bad-message');
    assert.match(partial.message, /not valid JSON \(cut off or damaged\)/);
    const other = await h.fails('backups.write', { id: 'dddd-4444', text: backupText('eeee-5555', 'x') });
    assert.match(other.message, /its text is the backup eeee-5555/);
    for (const id of ['../../evil', 'a/b/c/d/e', 'short', 'x'.repeat(65)]) {
      const parsed = ClientMessage.safeParse({ type: 'request', id: 1, method: 'backups.read', params: { id } });
      assert.equal(parsed.success, false, `the message parser refuses ${id}`);
      await assert.rejects(createBackupFolder(folder, { root: folder }).read(id), (e: unknown) => e instanceof BackupRefused && e.code === 'bad-message', id);
    }
    assert.equal(existsSync(folder), false);
  });

  it('refuses a backup over 16 MiB before writing anything', async () => {
    const { h, folder } = setup();
    const big = { ...graph({}, [], 'big'), description: 'x'.repeat(16 * 2 ** 20) };
    const e = await h.fails('backups.write', { id: 'ffff-6666', text: serializeBackup({ id: 'ffff-6666', savedAt: 1, path: null, document: big }) });
    assert.equal(e.code, 'too-large');
    assert.match(e.message, /16 MiB/);
    assert.equal(existsSync(folder), false);
  });

  it('lists a damaged or cut-off file with its problem, and it can be discarded', async () => {
    const { h, folder } = setup();
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'gggg-7777.backup.json'), backupText('gggg-7777', 'ok').slice(0, 50));
    writeFileSync(join(folder, 'hhhh-8888.backup.json'), JSON.stringify({ format: 'rnn-studio-backup', version: 1, id: 'hhhh-8888', savedAt: 5, path: null, document: { format: 'nope' } }));
    writeFileSync(join(folder, 'notes.txt'), 'not a backup');
    const { backups } = await h.ok('backups.list', {});
    const problems = Object.fromEntries(backups.map((b) => [b.id, b.state === 'damaged' ? b.problem : 'ok']));
    assert.deepEqual(Object.keys(problems).sort(), ['gggg-7777', 'hhhh-8888']);
    assert.match(problems['gggg-7777'], /not valid JSON \(cut off or damaged\)/);
    assert.match(problems['hhhh-8888'], /the document in it does not parse: format/);
    await h.ok('backups.remove', { id: 'gggg-7777' });
    assert.deepEqual((await h.ok('backups.list', {})).backups.map((b) => b.id), ['hhhh-8888']);
  });

  it('never writes or reads through a link that leads out of the workspace', async () => {
    const { h, workspace } = setup();
    const outside = mkdtempSync(join(top, 'outside-'));
    symlinkSync(outside, join(workspace, '.rnn-studio'));
    const e = await h.fails('backups.write', { id: 'iiii-9999', text: backupText('iiii-9999', 'x') });
    assert.equal(e.code, 'io');
    assert.deepEqual(readdirSync(outside), []);

    mkdirSync(join(outside, 'backups'));
    writeFileSync(join(outside, 'backups', 'jjjj-0000.backup.json'), backupText('jjjj-0000', 'outside'));
    assert.equal((await h.fails('backups.read', { id: 'jjjj-0000' })).code, 'io');
    assert.equal((await h.ok('backups.list', {})).backups[0]?.state, 'damaged');
    await h.ok('backups.remove', { id: 'jjjj-0000' });
    assert.ok(existsSync(join(outside, 'backups', 'jjjj-0000.backup.json')), 'the outside file is left alone');
    assert.ok(lstatSync(join(workspace, '.rnn-studio')).isSymbolicLink());
  });

  it('a host without a workspace answers not-found', async () => {
    const h = harness({ workspace: null });
    assert.equal((await h.fails('backups.list', {})).code, 'not-found');
  });
});
