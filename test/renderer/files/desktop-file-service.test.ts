/**
 * The desktop file service over a stand-in for `window.rnnStudio`: native dialogs, in-place saves
 * only to files it opened or saved, and missing recent files told apart from other failures.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDesktopFileService } from '../../../renderer/files/desktop-file-service.ts';
import { fakeDesktop } from './fake-desktop.ts';

describe('desktop file service', () => {
  it('saves in place a file opened through the native dialog', async () => {
    const desktop = fakeDesktop({ dialogFile: { path: '/home/ada/a.rnn.json', text: 'A' } });
    const files = createDesktopFileService(desktop.api);
    const opened = await files.open();
    assert.deepEqual(opened, { ok: true, value: { path: '/home/ada/a.rnn.json', name: 'a.rnn.json', text: 'A' } });
    assert.deepEqual(await files.save('/home/ada/a.rnn.json', 'B', 'a.rnn.json'), { ok: true, value: { path: '/home/ada/a.rnn.json', name: 'a.rnn.json' } });
    assert.deepEqual(desktop.saves, [{ path: '/home/ada/a.rnn.json', text: 'B', suggestedName: 'a.rnn.json' }]);
  });

  it('asks for a place (path null) for a path it did not open, such as a template', async () => {
    const desktop = fakeDesktop({ saveAsPath: '/home/ada/copy.rnn.json' });
    const files = createDesktopFileService(desktop.api);
    const templatePath = '/opt/RNN Studio/resources/templates/char-gru.rnn.json';
    assert.equal(files.canSaveInPlace(templatePath), false);
    const saved = await files.save(templatePath, 'T', 'char-gru.rnn.json');
    assert.deepEqual(saved, { ok: true, value: { path: '/home/ada/copy.rnn.json', name: 'copy.rnn.json' } });
    assert.equal(desktop.saves[0].path, null);
    assert.ok(files.canSaveInPlace('/home/ada/copy.rnn.json'), 'the new file is its own now');
  });

  it('reports a cancelled save dialog as null', async () => {
    const files = createDesktopFileService(fakeDesktop({ saveAsPath: null }).api);
    assert.deepEqual(await files.saveAs('T', 'x.rnn.json'), { ok: true, value: null });
  });

  it('tells a missing recent file apart from other failures', async () => {
    const recent = [
      { path: 'C:\\graphs\\kept.rnn.json', name: 'kept.rnn.json' },
      { path: 'C:\\graphs\\gone.rnn.json', name: 'gone.rnn.json' },
    ];
    const desktop = fakeDesktop({ recent, files: { 'C:\\graphs\\kept.rnn.json': 'K' } });
    const files = createDesktopFileService(desktop.api);
    const [kept, gone] = await files.recent();
    assert.deepEqual(kept, { key: 'C:\\graphs\\kept.rnn.json', name: 'kept.rnn.json', detail: 'C:\\graphs\\kept.rnn.json' });
    assert.deepEqual(await files.openRecent(gone), { ok: false, failure: { kind: 'missing', name: 'gone.rnn.json' } });
    await files.forgetRecent(gone);
    assert.deepEqual(desktop.forgotten, [gone.key], 'main is asked to take it off the list');
    const opened = await files.openRecent(kept);
    assert.ok(opened.ok && opened.value.name === 'kept.rnn.json' && files.canSaveInPlace(kept.key));
  });

  it('reads a file handed to the app by path, saves it in place, and names a missing one by its path', async () => {
    const desktop = fakeDesktop({
      files: { '/home/ada/handed.rnn.json': 'H' },
      failures: { '/home/ada/huge.rnn.json': { code: 'too-large', message: '/home/ada/huge.rnn.json is 40.0 MB; files over 32.0 MB are not opened' } },
    });
    const files = createDesktopFileService(desktop.api);
    assert.deepEqual(await files.openPath('/home/ada/handed.rnn.json'), { ok: true, value: { path: '/home/ada/handed.rnn.json', name: 'handed.rnn.json', text: 'H' } });
    assert.ok(files.canSaveInPlace('/home/ada/handed.rnn.json'));
    assert.deepEqual(await files.openPath('/home/ada/gone.rnn.json'), { ok: false, failure: { kind: 'not-found', path: '/home/ada/gone.rnn.json' } });
    assert.deepEqual(await files.openPath('/home/ada/huge.rnn.json'), {
      ok: false,
      failure: { kind: 'error', message: '/home/ada/huge.rnn.json is 40.0 MB; files over 32.0 MB are not opened' },
    });
    assert.equal(files.canSaveInPlace('/home/ada/gone.rnn.json'), false);
  });

  it('exports through the save dialog with the graph filter', async () => {
    const desktop = fakeDesktop({});
    const files = createDesktopFileService(desktop.api);
    assert.deepEqual(await files.exportText('E', 'net.rnn.json'), { ok: true, value: { name: 'net.rnn.json' } });
    assert.deepEqual(desktop.exports, [{ text: 'E', suggestedName: 'net.rnn.json', filter: 'graph' }]);
  });
});
