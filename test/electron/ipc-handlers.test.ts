import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { OpenedFile, Result } from '../../electron/common/api.ts';
import {
  CLOSE_WINDOW,
  LIST_BACKUPS,
  OPEN_GRAPH_DIALOG,
  OPEN_GRAPH_PATH,
  READ_BACKUP,
  RECENT_FILES,
  SAVE_GRAPH,
  SAVE_BYTES_DIALOG,
  SAVE_TEXT_DIALOG,
  SET_DOCUMENT_STATE,
  WRITE_BACKUP,
} from '../../electron/common/channels.ts';
import { INVOKE_CHANNELS, SEND_CHANNELS } from '../../electron/common/ipc.ts';
import { registerIpcHandlers, type IpcEvent, type IpcMainLike } from '../../electron/main/ipc-handlers.ts';
import { RecentFiles } from '../../electron/main/recent-files.ts';
import { BackupRefused, createBackupFolder, type BackupFolder } from '../../engine/files/backups.ts';
import { serializeBackup } from '../../engine/graph/backup.ts';
import { emptyDocument } from '../../renderer/store/document-store.ts';
import { mainStrings } from '../../electron/main/strings.ts';
import { createDesktopApi } from '../../electron/preload/desktop-api.ts';
import { fakeDocumentWindow } from './helpers/fakes.ts';

type Handler = (event: IpcEvent<string>, ...args: unknown[]) => unknown;

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(options: { maxOpenBytes?: number; backups?: BackupFolder } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-ipc-'));
  folders.push(dir);
  const appUrl = pathToFileURL(join(dir, 'app', 'dist', 'renderer', 'index.html')).href;
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Handler>();
  const ipc: IpcMainLike<string> = {
    handle: (channel, listener) => {
      assert.ok(!handlers.has(channel), `${channel} registered twice`);
      handlers.set(channel, listener);
    },
    on: (channel, listener) => {
      listeners.set(channel, listener);
    },
  };
  const logs: string[] = [];
  const openAnswers: { canceled: boolean; filePaths: string[] }[] = [];
  const saveAnswers: { canceled: boolean; filePath?: string }[] = [];
  const openAsked: OpenDialogOptions[] = [];
  const saveAsked: SaveDialogOptions[] = [];
  const { document, record } = fakeDocumentWindow();
  const recent = new RecentFiles({ file: join(dir, 'user-data', 'recent-files.json'), log: (m) => logs.push(m) });
  const chosenFolders: string[] = [];
  const access = registerIpcHandlers<string, string>(ipc, {
    appUrl,
    platform: 'linux',
    windowOf: (sender) => (sender === 'app-window' ? { window: 'the-window', document } : null),
    dialogs: {
      showOpenDialog: (parent, o) => {
        assert.equal(parent, 'the-window');
        openAsked.push(o);
        return Promise.resolve(openAnswers.shift() ?? { canceled: true, filePaths: [] });
      },
      showSaveDialog: (parent, o) => {
        assert.equal(parent, 'the-window');
        saveAsked.push(o);
        return Promise.resolve(saveAnswers.shift() ?? { canceled: true, filePath: '' });
      },
    },
    recent,
    backups: options.backups ?? createBackupFolder(join(dir, 'user-data', 'backups'), { root: join(dir, 'user-data') }),
    defaultFolder: () => dir,
    folderChosen: (folder) => chosenFolders.push(folder),
    strings: mainStrings.en,
    log: (m) => logs.push(m),
    ...(options.maxOpenBytes !== undefined ? { maxOpenBytes: options.maxOpenBytes } : {}),
  });
  const trusted: IpcEvent<string> = { sender: 'app-window', senderFrame: { url: appUrl, parent: null } };
  const invoke = (channel: string, ...args: unknown[]) => {
    const handler = handlers.get(channel);
    assert.ok(handler, `no handler for ${channel}`);
    return Promise.resolve(handler(trusted, ...args));
  };
  const invokeAs = (event: IpcEvent<string>, channel: string, ...args: unknown[]) => Promise.resolve(handlers.get(channel)?.(event, ...args));
  const send = (event: IpcEvent<string>, channel: string, ...args: unknown[]) => listeners.get(channel)?.(event, ...args);
  return { dir, appUrl, handlers, listeners, logs, chosenFolders, openAnswers, saveAnswers, openAsked, saveAsked, document, record, recent, access, trusted, invoke, invokeAs, send };
}

const tmpFilesIn = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

describe('IPC handlers: who may call', () => {
  it('registers a handler for every channel the preload uses, and no other', () => {
    const s = setup();
    assert.deepEqual([...s.handlers.keys()].sort(), [...INVOKE_CHANNELS].sort());
    assert.deepEqual([...s.listeners.keys()].sort(), [...SEND_CHANNELS].sort());
  });

  it('refuses and logs every message from a sender that is not the app’s own top-level page', async () => {
    const s = setup();
    const foreign: [string, IpcEvent<string>][] = [
      ['a destroyed frame', { sender: 'app-window', senderFrame: null }],
      ['a web page', { sender: 'app-window', senderFrame: { url: 'https://evil.example/index.html', parent: null } }],
      ['another local file', { sender: 'app-window', senderFrame: { url: pathToFileURL(join(s.dir, 'elsewhere.html')).href, parent: null } }],
      ['a subframe of the app page', { sender: 'app-window', senderFrame: { url: s.appUrl, parent: { url: s.appUrl } } }],
      ['a page with no window', { sender: 'some-other-contents', senderFrame: { url: s.appUrl, parent: null } }],
    ];
    writeFileSync(join(s.dir, 'secret.rnn.json'), '{"secret":true}');
    for (const [what, event] of foreign) {
      const before = s.logs.length;
      for (const [channel, args] of [
        [OPEN_GRAPH_DIALOG, []],
        [OPEN_GRAPH_PATH, [join(s.dir, 'secret.rnn.json')]],
        [SAVE_GRAPH, [join(s.dir, 'secret.rnn.json'), 'overwritten', 'x']],
        [SAVE_TEXT_DIALOG, ['x', 'x', 'json']],
      ] as const) {
        const reply = (await s.invokeAs(event, channel, ...args)) as Result<unknown>;
        assert.equal(reply.ok, false, `${channel} from ${what}`);
        assert.ok(!reply.ok && reply.error.code === 'forbidden', `${channel} from ${what}: ${JSON.stringify(reply)}`);
      }
      assert.deepEqual(await s.invokeAs(event, RECENT_FILES), [], what);
      s.send(event, SET_DOCUMENT_STATE, { title: 'hijacked', path: null, dirty: true });
      s.send(event, CLOSE_WINDOW);
      assert.equal(s.logs.length - before, 7, `each refusal from ${what} is logged`);
    }
    assert.equal(s.openAsked.length + s.saveAsked.length, 0, 'no dialog was shown');
    assert.equal(readFileSync(join(s.dir, 'secret.rnn.json'), 'utf8'), '{"secret":true}');
    assert.equal(s.document.state.title, '');
    assert.equal(s.record.closes, 0);
    assert.ok(s.logs.some((m) => m.includes('https://evil.example')));
  });

  it('answers bad arguments with bad-request, naming the argument', async () => {
    const s = setup();
    const cases: [string, unknown[], RegExp][] = [
      [OPEN_GRAPH_PATH, ['relative/a.rnn.json'], /argument 0: must be an absolute path/],
      [OPEN_GRAPH_PATH, [42], /argument 0/],
      [OPEN_GRAPH_PATH, [], /argument|arguments/],
      [SAVE_GRAPH, [null, { text: 'x' }, 'x'], /argument 1/],
      [SAVE_TEXT_DIALOG, ['x', 'x', 'exe'], /argument 2/],
      [OPEN_GRAPH_DIALOG, ['unexpected'], /arguments|argument/],
    ];
    for (const [channel, args, message] of cases) {
      const reply = (await s.invoke(channel, ...args)) as Result<unknown>;
      assert.ok(!reply.ok, `${channel} ${JSON.stringify(args)}`);
      assert.equal(reply.error.code, 'bad-request');
      assert.match(reply.error.message, message);
    }
    s.send(s.trusted, SET_DOCUMENT_STATE, { title: 5, path: null, dirty: 'yes' });
    assert.equal(s.document.state.title, '');
  });
});

describe('IPC handlers: opening', () => {
  it('opens the file picked in the dialog, remembers it, and answers null on cancel', async () => {
    const s = setup();
    const file = join(s.dir, 'adding.rnn.json');
    writeFileSync(file, '\uFEFF{"name":"adding"}');
    s.openAnswers.push({ canceled: false, filePaths: [file] });
    const opened = (await s.invoke(OPEN_GRAPH_DIALOG)) as Result<OpenedFile | null>;
    assert.deepEqual(opened, { ok: true, value: { path: file, text: '{"name":"adding"}' } });
    assert.deepEqual(s.openAsked[0].properties, ['openFile']);
    assert.deepEqual(s.openAsked[0].filters?.map((f) => f.extensions), [['rnn.json', 'rnn-model.json'], ['rnn.json'], ['rnn-model.json'], ['json']], 'graphs and trained models, together first');
    assert.deepEqual(await s.invoke(RECENT_FILES), [{ path: file, name: 'adding.rnn.json' }]);
    assert.deepEqual(await s.invoke(OPEN_GRAPH_DIALOG), { ok: true, value: null });
  });

  it('reads by path only files the user chose before', async () => {
    const s = setup();
    const chosen = join(s.dir, 'chosen.rnn.json');
    const other = join(s.dir, 'other.rnn.json');
    writeFileSync(chosen, '{"v":1}');
    writeFileSync(other, '{"v":2}');
    const refused = (await s.invoke(OPEN_GRAPH_PATH, other)) as Result<OpenedFile>;
    assert.ok(!refused.ok && refused.error.code === 'forbidden');
    assert.match(refused.ok ? '' : refused.error.message, /other\.rnn\.json/);
    s.openAnswers.push({ canceled: false, filePaths: [chosen] });
    await s.invoke(OPEN_GRAPH_DIALOG);
    writeFileSync(chosen, '{"v":3}');
    assert.deepEqual(await s.invoke(OPEN_GRAPH_PATH, chosen), { ok: true, value: { path: chosen, text: '{"v":3}' } });
    // Handed to the app outside the page (command line, Finder): allowed too.
    s.access.allow(other);
    assert.deepEqual(await s.invoke(OPEN_GRAPH_PATH, other), { ok: true, value: { path: other, text: '{"v":2}' } });
  });

  it('answers {ok:false} with a clear code for missing, huge, non-UTF-8 files and folders', async () => {
    const s = setup({ maxOpenBytes: 64 });
    const missing = join(s.dir, 'gone.rnn.json');
    const huge = join(s.dir, 'huge.rnn.json');
    const binary = join(s.dir, 'binary.rnn.json');
    const folder = join(s.dir, 'folder.rnn.json');
    writeFileSync(huge, `{"pad":"${'x'.repeat(100)}"}`);
    writeFileSync(binary, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    mkdirSync(folder);
    for (const path of [missing, huge, binary, folder]) s.access.allow(path);
    const codeOf = async (path: string) => {
      const reply = (await s.invoke(OPEN_GRAPH_PATH, path)) as Result<OpenedFile>;
      assert.ok(!reply.ok, path);
      assert.ok(reply.error.message.includes(path), `${reply.error.message} names the file`);
      return reply.error.code;
    };
    assert.equal(await codeOf(missing), 'not-found');
    assert.equal(await codeOf(huge), 'too-large');
    assert.equal(await codeOf(binary), 'bad-encoding');
    assert.equal(await codeOf(folder), 'io');
    // None of them made it onto the recent list.
    assert.deepEqual(await s.invoke(RECENT_FILES), []);
  });

  it('lets the page read a file handed to the app by path, and still shows the open dialog (as for Import)', async () => {
    const s = setup();
    const file = join(s.dir, 'from-finder.rnn.json');
    writeFileSync(file, '{"handed":true}');
    s.document.pageSpoke();
    s.access.allow(file);
    s.document.open(file);
    assert.deepEqual(s.record.openedFiles, [file]);
    assert.deepEqual(s.record.commands, [], 'no menu command stands in for it');
    // The dialog is the user's own choice: it never answers with the handed file instead.
    assert.deepEqual(await s.invoke(OPEN_GRAPH_DIALOG), { ok: true, value: null });
    assert.equal(s.openAsked.length, 1);
    assert.deepEqual(await s.invoke(OPEN_GRAPH_PATH, file), { ok: true, value: { path: file, text: '{"handed":true}' } });
    assert.deepEqual(await s.invoke(RECENT_FILES), [{ path: file, name: 'from-finder.rnn.json' }]);
  });
});

describe('IPC handlers: the folders the engine may read', () => {
  it('only the folders of files the user opened, saved or handed to the app, never one a page names', async () => {
    const s = setup();
    const project = join(s.dir, 'project');
    const elsewhere = join(s.dir, 'elsewhere');
    mkdirSync(project);
    mkdirSync(elsewhere);
    writeFileSync(join(project, 'a.rnn.json'), '{}');
    writeFileSync(join(elsewhere, 'b.rnn.json'), '{}');
    await s.invoke(OPEN_GRAPH_PATH, join(elsewhere, 'b.rnn.json'));
    assert.deepEqual(s.chosenFolders, [], 'a path the user never chose opens no folder');
    s.openAnswers.push({ canceled: false, filePaths: [join(project, 'a.rnn.json')] });
    await s.invoke(OPEN_GRAPH_DIALOG);
    assert.deepEqual(s.chosenFolders, [project]);
    s.access.allow(join(elsewhere, 'b.rnn.json'));
    assert.deepEqual(s.chosenFolders, [project, elsewhere]);
  });
});

describe('IPC handlers: saving', () => {
  it('asks where to save a new graph, writes it, and then saves there without asking', async () => {
    const s = setup();
    const target = join(s.dir, 'mine.rnn.json');
    s.saveAnswers.push({ canceled: false, filePath: target });
    assert.deepEqual(await s.invoke(SAVE_GRAPH, null, '{"v":1}', 'mine'), { ok: true, value: { path: target } });
    assert.equal(s.saveAsked[0].defaultPath, join(s.dir, 'mine.rnn.json'));
    assert.deepEqual(s.saveAsked[0].filters, [{ name: mainStrings.en.filterGraph, extensions: ['rnn.json'] }]);
    assert.equal(readFileSync(target, 'utf8'), '{"v":1}');
    assert.deepEqual(await s.invoke(SAVE_GRAPH, target, '{"v":2}', 'mine'), { ok: true, value: { path: target } });
    assert.equal(s.saveAsked.length, 1);
    assert.equal(readFileSync(target, 'utf8'), '{"v":2}');
    assert.deepEqual(tmpFilesIn(s.dir), []);
    assert.deepEqual(await s.invoke(RECENT_FILES), [{ path: target, name: 'mine.rnn.json' }]);
  });

  it('asks before writing to a path the user never chose, and writes nothing when cancelled', async () => {
    const s = setup();
    const victim = join(s.dir, 'not-yours.txt');
    writeFileSync(victim, 'precious');
    assert.deepEqual(await s.invoke(SAVE_GRAPH, victim, 'overwritten', 'x'), { ok: true, value: null });
    assert.equal(s.saveAsked[0].defaultPath, victim);
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
  });

  it('answers an I/O error with {ok:false, code:"io"} and leaves no partial or temporary file', async () => {
    const s = setup();
    const existing = join(s.dir, 'existing.rnn.json');
    writeFileSync(existing, '{"old":true}');
    // The chosen "file" is a folder: the temporary file is written, the rename over it fails.
    const folder = join(s.dir, 'a-folder.rnn.json');
    mkdirSync(folder);
    writeFileSync(join(folder, 'inside.txt'), 'kept');
    s.saveAnswers.push({ canceled: false, filePath: folder });
    const before = readdirSync(s.dir).sort();
    const reply = (await s.invoke(SAVE_GRAPH, null, '{"new":true}', 'x')) as Result<unknown>;
    assert.ok(!reply.ok);
    assert.equal(reply.error.code, 'io');
    assert.match(reply.error.message, /a-folder\.rnn\.json/);
    assert.deepEqual(readdirSync(s.dir).sort(), before);
    assert.ok(statSync(folder).isDirectory());
    assert.equal(readFileSync(join(folder, 'inside.txt'), 'utf8'), 'kept');
    // A folder that does not exist.
    s.saveAnswers.push({ canceled: false, filePath: join(s.dir, 'no-such-folder', 'g.rnn.json') });
    const missing = (await s.invoke(SAVE_GRAPH, null, '{}', 'g')) as Result<unknown>;
    assert.ok(!missing.ok && missing.error.code === 'io');
    assert.equal(existsSync(join(s.dir, 'no-such-folder')), false);
    assert.equal(readFileSync(existing, 'utf8'), '{"old":true}');
    assert.deepEqual(await s.invoke(RECENT_FILES), []);
  });

  it('saves other text through a dialog with the kind’s file type, off the recent list', async () => {
    const s = setup();
    const model = join(s.dir, 'adding.rnn-model.json');
    s.saveAnswers.push({ canceled: false, filePath: model });
    assert.deepEqual(await s.invoke(SAVE_TEXT_DIALOG, '{"weights":[]}', 'adding.rnn-model.json', 'model'), { ok: true, value: { path: model } });
    assert.equal(s.saveAsked[0].defaultPath, model);
    assert.deepEqual(s.saveAsked[0].filters?.[0].extensions, ['rnn-model.json']);
    assert.equal(readFileSync(model, 'utf8'), '{"weights":[]}');
    assert.deepEqual(await s.invoke(RECENT_FILES), []);
    // The next dialog starts where this one ended; a suggested name cannot point elsewhere.
    await s.invoke(SAVE_TEXT_DIALOG, '{}', '../../etc/passwd', 'json');
    assert.equal(s.saveAsked[1].defaultPath, join(s.dir, 'passwd.json'));
  });
});

describe('IPC handlers: saving bytes', () => {
  it('writes a binary file byte for byte through a dialog offering the kind’s file type', async () => {
    const s = setup();
    const model = join(s.dir, 'sine.onnx');
    // Every byte value, and no valid UTF-8: a text path would mangle it.
    const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 7 + 0x80) & 0xff);
    s.saveAnswers.push({ canceled: false, filePath: model });
    assert.deepEqual(await s.invoke(SAVE_BYTES_DIALOG, bytes, 'sine.onnx', 'onnx'), { ok: true, value: { path: model } });
    assert.equal(s.saveAsked[0].defaultPath, model);
    assert.deepEqual(s.saveAsked[0].filters?.[0], { name: 'ONNX model', extensions: ['onnx'] });
    assert.deepEqual(new Uint8Array(readFileSync(model)), bytes);
    assert.deepEqual(tmpFilesIn(s.dir), []);
    assert.deepEqual(await s.invoke(RECENT_FILES), [], 'a model is no document to reopen');
  });

  it('writes nothing when cancelled, and refuses text where bytes are promised', async () => {
    const s = setup();
    assert.deepEqual(await s.invoke(SAVE_BYTES_DIALOG, new Uint8Array([1, 2]), 'a', 'onnx'), { ok: true, value: null });
    assert.deepEqual(readdirSync(s.dir).filter((n) => n.endsWith('.onnx')), []);
    const refused = (await s.invoke(SAVE_BYTES_DIALOG, 'AQI=', 'a', 'onnx')) as Result<unknown>;
    assert.ok(!refused.ok);
    assert.equal(refused.error.code, 'bad-request');
    assert.equal(s.saveAsked.length, 1, 'no dialog for a refused request');
  });
});

describe('IPC handlers: the window', () => {
  it('sets the title from the document state and closes on request', () => {
    const s = setup();
    s.send(s.trusted, SET_DOCUMENT_STATE, { title: 'adding', path: '/x/adding.rnn.json', dirty: true });
    assert.equal(s.record.titles.at(-1), '● adding — RNN Studio');
    s.send(s.trusted, CLOSE_WINDOW);
    assert.equal(s.record.closes, 1);
  });
});

describe('the preload API against main’s handlers', () => {
  it('round-trips through the real channels', async () => {
    const s = setup();
    const api = createDesktopApi({
      invoke: (channel, ...args) => s.invoke(channel, ...args),
      send: (channel, ...args) => s.send(s.trusted, channel, ...args),
      on: () => undefined,
      removeListener: () => undefined,
    });
    const target = join(s.dir, 'round-trip.rnn.json');
    s.saveAnswers.push({ canceled: false, filePath: target });
    assert.deepEqual(await api.saveGraph(null, '{"rt":1}', 'round trip'), { ok: true, value: { path: target } });
    assert.deepEqual(await api.openGraphPath(target), { ok: true, value: { path: target, text: '{"rt":1}' } });
    assert.deepEqual(await api.recentFiles(), [{ path: target, name: 'round-trip.rnn.json' }]);
    api.setDocumentState({ title: 'round trip', path: target, dirty: false });
    assert.equal(s.record.titles.at(-1), 'round trip — RNN Studio');
  });
});

describe('IPC handlers: backups in userData', () => {
  const backupText = (id: string, name: string, savedAt: number) => serializeBackup({ id, savedAt, path: null, document: emptyDocument(name) });

  it('writes atomically into userData/backups, lists, reads and removes through the preload API', async () => {
    const s = setup();
    const api = createDesktopApi({
      invoke: (channel, ...args) => s.invoke(channel, ...args),
      send: (channel, ...args) => s.send(s.trusted, channel, ...args),
      on: () => undefined,
      removeListener: () => undefined,
    });
    const folder = join(s.dir, 'user-data', 'backups');
    assert.deepEqual(await api.listBackups(), { ok: true, value: [] });
    assert.deepEqual(await api.writeBackup('window-0001', backupText('window-0001', 'first', 10)), { ok: true, value: null });
    assert.deepEqual(await api.writeBackup('window-0001', backupText('window-0001', 'edited', 20)), { ok: true, value: null });
    assert.deepEqual(readdirSync(folder), ['window-0001.backup.json'], 'one file, no temporary file left');
    const listed = await api.listBackups();
    assert.ok(listed.ok);
    assert.deepEqual(listed.value.map((b) => (b.state === 'ok' ? [b.id, b.name, b.savedAt] : b.problem)), [['window-0001', 'edited', 20]]);
    assert.deepEqual(await api.readBackup('window-0001'), { ok: true, value: backupText('window-0001', 'edited', 20) });
    assert.deepEqual(await api.removeBackup('window-0001'), { ok: true, value: null });
    assert.deepEqual(readdirSync(folder), []);
    const gone = await api.readBackup('window-0001');
    assert.ok(!gone.ok && gone.error.code === 'not-found', JSON.stringify(gone));
  });

  it('refuses a bad id before the folder is asked, and text that is not a whole backup', async () => {
    const asked: string[] = [];
    const folder: BackupFolder = {
      folder: '/nowhere',
      list: () => Promise.resolve([]),
      read: (id) => (asked.push(id), Promise.reject(new BackupRefused('not-found', `there is no backup ${id}`))),
      write: (id) => (asked.push(id), Promise.reject(new BackupRefused('bad-message', `the backup ${id} is not written: not valid JSON`))),
      remove: (id) => (asked.push(id), Promise.resolve()),
    };
    const s = setup({ backups: folder });
    const bad = (await s.invoke(READ_BACKUP, '../../../etc/passwd')) as Result<unknown>;
    assert.ok(!bad.ok && bad.error.code === 'bad-request' && /argument 0: a backup id/.test(bad.error.message), JSON.stringify(bad));
    assert.deepEqual(asked, []);
    const refused = (await s.invoke(WRITE_BACKUP, 'window-0002', '{"format":')) as Result<unknown>;
    assert.deepEqual(refused, { ok: false, error: { code: 'bad-message', message: 'the backup window-0002 is not written: not valid JSON' } });
    assert.deepEqual(asked, ['window-0002']);
  });

  it('a cut-off backup is listed as damaged, not thrown', async () => {
    const s = setup();
    const folder = join(s.dir, 'user-data', 'backups');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'window-0003.backup.json'), backupText('window-0003', 'cut', 5).slice(0, 40));
    const listed = (await s.invoke(LIST_BACKUPS)) as Result<{ state: string; problem?: string }[]>;
    assert.ok(listed.ok);
    assert.equal(listed.value[0].state, 'damaged');
    assert.match(listed.value[0].problem ?? '', /cut off or damaged/);
  });
});
