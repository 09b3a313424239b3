/**
 * Main's side of the preload's API: one handler per channel. Each checks its sender first (only
 * the app's own page, in the top frame, is answered; anything else is refused and logged), parses
 * its arguments (a page is not trusted to send what the type says), and answers
 * `{ok:false, error:{code, message}}` instead of throwing.
 *
 * A page can read or overwrite by path only files the user chose: picked in a dialog, handed to
 * the app (command line, Finder), or on the recent files list. Saving to any other path asks the
 * user with a save dialog first.
 */
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { dirname, join, resolve } from 'node:path';
import { type ArgsOf, FILE_EXTENSIONS, IPC, type InvokeName, type ReplyOf, type SaveFilter, type SendName } from '../common/ipc.ts';
import { BackupRefused, type BackupFolder } from '../../engine/files/backups.ts';
import type { DocumentWindow } from './document-window.ts';
import { MAX_OPEN_BYTES, readTextFile, suggestedFileName, writeTextFile } from './file-access.ts';
import type { RecentFiles } from './recent-files.ts';
import { isTrustedSender, type SenderFrame } from './security.ts';
import type { MainStrings } from './strings.ts';

export interface IpcEvent<S> {
  readonly sender: S;
  readonly senderFrame: SenderFrame | null;
}

/** What the handlers use of ipcMain. */
export interface IpcMainLike<S> {
  handle(channel: string, listener: (event: IpcEvent<S>, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcEvent<S>, ...args: unknown[]) => void): unknown;
}

export interface DialogsLike<W> {
  showOpenDialog(parent: W, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(parent: W, options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
}

export interface IpcTarget<W> {
  readonly window: W;
  readonly document: DocumentWindow;
}

export interface IpcHandlerDeps<S, W> {
  /** The app page's URL (app://studio/index.html), the only sender answered. */
  readonly appUrl: string;
  readonly platform?: NodeJS.Platform;
  /** The window a sender belongs to; null when it has none (it is refused). */
  windowOf(sender: S): IpcTarget<W> | null;
  readonly dialogs: DialogsLike<W>;
  readonly recent: RecentFiles;
  /** The window documents' backups (userData/backups). */
  readonly backups: BackupFolder;
  /** Where dialogs start before the user has picked a folder (the Documents folder). */
  defaultFolder(): string;
  /** The user chose a file in `folder`: the engine may read dataset files there. */
  folderChosen(folder: string): void;
  /** Read at each use: the language is known only once the app is ready. */
  readonly strings: MainStrings;
  readonly log: (message: string) => void;
  readonly maxOpenBytes?: number;
}

type Failure = { ok: false; error: { code: string; message: string } };
const fail = (code: string, message: string): Failure => ({ ok: false, error: { code, message } });
const ok = <T>(value: T) => ({ ok: true as const, value });

/** The arguments parsed with the channel's schema from the IPC table. */
function parseArgs<K extends InvokeName | SendName>(name: K, args: unknown[]): { ok: true; value: ArgsOf<K> } | Failure {
  const { channel, args: schema } = IPC[name];
  const parsed = schema.safeParse(args);
  if (parsed.success) return ok(parsed.data as ArgsOf<K>);
  const issue = parsed.error.issues[0];
  const at = issue.path.length ? `argument ${issue.path.map(String).join('.')}` : 'arguments';
  return fail('bad-request', `${channel}: ${at}: ${issue.message}`);
}

export interface IpcHandlers {
  /** Lets the page read and save `path` by name (a file handed to the app outside a dialog). */
  allow(path: string): void;
}

export function registerIpcHandlers<S, W>(ipc: IpcMainLike<S>, deps: IpcHandlerDeps<S, W>): IpcHandlers {
  const platform = deps.platform ?? process.platform;
  const maxOpenBytes = deps.maxOpenBytes ?? MAX_OPEN_BYTES;
  const keyOf = (path: string) => (platform === 'win32' || platform === 'darwin' ? resolve(path).toLowerCase() : resolve(path));
  const chosen = new Set<string>();
  let lastFolder: string | null = null;

  const allow = (path: string) => {
    chosen.add(keyOf(path));
    lastFolder = dirname(resolve(path));
    deps.folderChosen(lastFolder);
  };
  const allowed = async (path: string) => chosen.has(keyOf(path)) || (await deps.recent.includes(path));
  const remember = async (path: string) => {
    allow(path);
    await deps.recent.add(path);
  };
  const startFolder = () => lastFolder ?? deps.defaultFolder();

  /** The sender's window, or null (logged) when the sender is not the app's own page. */
  const targetOf = (channel: string, event: IpcEvent<S>): IpcTarget<W> | null => {
    if (!isTrustedSender(event.senderFrame, deps.appUrl)) {
      const from = event.senderFrame === null ? 'a frame that no longer exists' : event.senderFrame.parent !== null ? `a subframe (${event.senderFrame.url})` : event.senderFrame.url;
      deps.log(`refused ${channel} from ${from}`);
      return null;
    }
    const target = deps.windowOf(event.sender);
    if (target === null) deps.log(`refused ${channel}: the sender has no window`);
    return target;
  };

  type Fallible = Exclude<InvokeName, 'recentFiles'>;
  function answer<K extends Fallible>(name: K, respond: (target: IpcTarget<W>, args: ArgsOf<K>) => Promise<ReplyOf<K>>): void {
    const channel = IPC[name].channel;
    ipc.handle(channel, async (event, ...raw): Promise<ReplyOf<K> | Failure> => {
      const target = targetOf(channel, event);
      if (target === null) return fail('forbidden', `${channel} is answered only for RNN Studio's own page`);
      target.document.pageSpoke();
      const args = parseArgs(name, raw);
      if (!args.ok) return args;
      try {
        return await respond(target, args.value);
      } catch (e) {
        deps.log(`${channel} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return fail('internal', `${channel} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }

  function listen<K extends SendName>(name: K, act: (target: IpcTarget<W>, args: ArgsOf<K>) => void): void {
    const channel = IPC[name].channel;
    ipc.on(channel, (event, ...raw) => {
      const target = targetOf(channel, event);
      if (target === null) return;
      const args = parseArgs(name, raw);
      if (!args.ok) {
        deps.log(args.error.message);
        return;
      }
      act(target, args.value);
    });
  }

  const saveFilters = (filter: SaveFilter) => {
    const strings = deps.strings;
    const names: Record<SaveFilter, string> = { graph: strings.filterGraph, model: strings.filterModel, json: strings.filterJson, onnx: strings.filterOnnx };
    const name = names[filter];
    return [{ name, extensions: [FILE_EXTENSIONS[filter]] }];
  };

  /** Asks where to save; null when the user cancels. */
  const askSavePath = async (target: IpcTarget<W>, defaultPath: string, filter: SaveFilter): Promise<string | null> => {
    const choice = await deps.dialogs.showSaveDialog(target.window, {
      defaultPath,
      filters: saveFilters(filter),
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    });
    return choice.canceled || !choice.filePath ? null : choice.filePath;
  };

  answer('openGraphDialog', async (target) => {
    const strings = deps.strings;
    const choice = await deps.dialogs.showOpenDialog(target.window, {
      defaultPath: startFolder(),
      properties: ['openFile'],
      // A trained model opens too: its graph with its weights, as a finished run.
      filters: [
        { name: `${strings.filterGraphOrModel} (*.${FILE_EXTENSIONS.graph}, *.${FILE_EXTENSIONS.model})`, extensions: [FILE_EXTENSIONS.graph, FILE_EXTENSIONS.model] },
        { name: `${strings.filterGraph} (*.${FILE_EXTENSIONS.graph})`, extensions: [FILE_EXTENSIONS.graph] },
        { name: `${strings.filterModel} (*.${FILE_EXTENSIONS.model})`, extensions: [FILE_EXTENSIONS.model] },
        { name: strings.filterJson, extensions: ['json'] },
      ],
    });
    if (choice.canceled || choice.filePaths.length === 0) return ok(null);
    const path = choice.filePaths[0];
    const read = await readTextFile(path, maxOpenBytes);
    if (read.ok) await remember(path);
    return read;
  });

  answer('openGraphPath', async (_target, [path]) => {
    if (!(await allowed(path))) return fail('forbidden', `${path} is not a file opened in RNN Studio before; choose it with Open…`);
    const read = await readTextFile(path, maxOpenBytes);
    if (read.ok) await remember(path);
    return read;
  });

  answer('saveGraph', async (target, [path, text, suggestedName]) => {
    let destination = path !== null && (await allowed(path)) ? path : null;
    if (destination === null) {
      const offered = path ?? join(startFolder(), suggestedFileName(suggestedName, 'graph', deps.strings.untitled));
      destination = await askSavePath(target, offered, 'graph');
      if (destination === null) return ok(null);
    }
    const written = await writeTextFile(destination, text);
    if (written.ok) await remember(destination);
    return written;
  });

  answer('saveTextDialog', (target, [text, suggestedName, filter]) => saveThroughDialog(target, text, suggestedName, filter));
  answer('saveBytesDialog', (target, [bytes, suggestedName, filter]) => saveThroughDialog(target, bytes, suggestedName, filter));

  /** Asks where to save, writes `content` there atomically; a graph goes on the recent list, anything else only moves the dialog's start folder. */
  async function saveThroughDialog(target: IpcTarget<W>, content: string | Uint8Array, suggestedName: string, filter: SaveFilter) {
    const destination = await askSavePath(target, join(startFolder(), suggestedFileName(suggestedName, filter, deps.strings.untitled)), filter);
    if (destination === null) return ok(null);
    const written = await writeTextFile(destination, content);
    if (written.ok) {
      if (filter === 'graph') await remember(destination);
      else lastFolder = dirname(destination);
    }
    return written;
  }

  /** The backups folder's answer; its refusals keep their code and message. */
  const backupsDo = async <T>(act: () => Promise<T>): Promise<{ ok: true; value: T } | Failure> => {
    try {
      return ok(await act());
    } catch (e) {
      if (e instanceof BackupRefused) return fail(e.code, e.message);
      throw e;
    }
  };
  answer('listBackups', () => backupsDo(() => deps.backups.list()));
  answer('readBackup', (_target, [id]) => backupsDo(async () => (await deps.backups.read(id)).text));
  answer('writeBackup', (_target, [id, text]) => backupsDo(async () => (await deps.backups.write(id, text), null)));
  answer('removeBackup', (_target, [id]) => backupsDo(async () => (await deps.backups.remove(id), null)));

  ipc.handle(IPC.recentFiles.channel, async (event): Promise<ReplyOf<'recentFiles'>> => {
    const target = targetOf(IPC.recentFiles.channel, event);
    if (target === null) return [];
    target.document.pageSpoke();
    try {
      return await deps.recent.list();
    } catch (e) {
      deps.log(`could not list recent files: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  });

  listen('setDocumentState', (target, [state]) => target.document.setState(state));
  listen('closeWindow', (target) => target.document.closeNow());
  listen('forgetRecentFile', (_target, [path]) => {
    deps.recent.remove(path).catch((e: unknown) => deps.log(`could not update recent files: ${e instanceof Error ? e.message : String(e)}`));
  });

  return { allow };
}
