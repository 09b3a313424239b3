/**
 * The page's API (`window.rnnStudio`): one small function per message of the IPC table. The page
 * never sees ipcRenderer, an IPC event or a channel name; it passes plain values and gets plain
 * values back. Replies never reject: a failure of the IPC itself, or a reply not of the promised
 * shape, becomes `{ok:false}` like any other error. Events from main are parsed before they reach
 * the page; one not of the promised shape is dropped.
 */
import type { DesktopApi } from '../common/api.ts';
import { type EventName, IPC, type InvokeName, type PayloadOf, type ReplyOf, type Result } from '../common/ipc.ts';

export type IpcListener = (event: unknown, ...args: unknown[]) => void;

/** What the preload uses of ipcRenderer (so tests can hand it a fake). */
export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

const ipcFailure = (channel: string, message: string) => ({ ok: false as const, error: { code: 'ipc', message: `${channel} failed: ${message}` } });
const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

type FallibleName = { [K in InvokeName]: ReplyOf<K> extends Result<unknown> ? K : never }[InvokeName];

export function createDesktopApi(ipc: PreloadIpc): DesktopApi {
  /** Asks main; what comes back is parsed with the reply's schema. */
  const ask = <K extends FallibleName>(name: K, ...args: unknown[]): Promise<ReplyOf<K>> => {
    const { channel, reply } = IPC[name];
    return ipc.invoke(channel, ...args).then(
      (raw): ReplyOf<K> => {
        const parsed = reply.safeParse(raw);
        return (parsed.success ? parsed.data : ipcFailure(channel, `the reply is not of the promised shape (${parsed.error.issues[0]?.message ?? 'invalid'})`)) as ReplyOf<K>;
      },
      (e: unknown) => ipcFailure(channel, reasonOf(e)) as ReplyOf<K>,
    );
  };

  /** Subscribes `listener` to an event; the returned function (and only it) unsubscribes. */
  const subscribe = <K extends EventName>(name: K, listener: (payload: PayloadOf<K>) => void): (() => void) => {
    const { channel, payload } = IPC[name];
    const deliver: IpcListener = (_event, raw) => {
      const parsed = payload.safeParse(raw);
      if (parsed.success) listener(parsed.data as PayloadOf<K>);
    };
    ipc.on(channel, deliver);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(channel, deliver);
    };
  };

  return {
    platform: 'electron',
    openGraphDialog: () => ask('openGraphDialog'),
    openGraphPath: (path) => ask('openGraphPath', path),
    saveGraph: (path, text, suggestedName) => ask('saveGraph', path, text, suggestedName),
    saveTextDialog: (text, suggestedName, filter) => ask('saveTextDialog', text, suggestedName, filter),
    saveBytesDialog: (bytes, suggestedName, filter) => ask('saveBytesDialog', bytes, suggestedName, filter),
    recentFiles: () =>
      ipc.invoke(IPC.recentFiles.channel).then(
        (raw) => {
          const parsed = IPC.recentFiles.reply.safeParse(raw);
          return parsed.success ? parsed.data : [];
        },
        () => [],
      ),
    listBackups: () => ask('listBackups'),
    readBackup: (id) => ask('readBackup', id),
    writeBackup: (id, text) => ask('writeBackup', id, text),
    removeBackup: (id) => ask('removeBackup', id),
    setDocumentState: (state) => {
      ipc.send(IPC.setDocumentState.channel, { title: state.title, path: state.path, dirty: state.dirty });
    },
    closeWindow: () => {
      ipc.send(IPC.closeWindow.channel);
    },
    forgetRecentFile: (path) => {
      ipc.send(IPC.forgetRecentFile.channel, path);
    },
    onHostStatus: (listener) => subscribe('onHostStatus', listener),
    onMenuCommand: (listener) => subscribe('onMenuCommand', listener),
    onOpenFile: (listener) => subscribe('onOpenFile', listener),
    onSaveBeforeClose: (listener) => subscribe('onSaveBeforeClose', () => listener()),
  };
}
