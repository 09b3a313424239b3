/**
 * The page's API (`window.rnnStudio`): one small function per message. The page never sees
 * ipcRenderer, an IPC event or a channel name; it passes plain values and gets plain values back.
 * Replies never reject: a failure of the IPC itself becomes `{ok:false}` like any other error.
 * Events from main are checked before they reach the page; one not of the promised shape is dropped.
 */
import {
  isHostStatus,
  isMenuCommand,
  type DesktopApi,
  type DocumentState,
  type HostStatus,
  type MenuCommand,
  type OpenedFile,
  type RecentFile,
  type Result,
  type SaveFilter,
} from '../common/api.ts';
import {
  CLOSE_WINDOW,
  HOST_STATUS,
  MENU_COMMAND,
  OPEN_FILE,
  OPEN_GRAPH_DIALOG,
  OPEN_GRAPH_PATH,
  RECENT_FILES,
  SAVE_BEFORE_CLOSE,
  SAVE_GRAPH,
  SAVE_TEXT_DIALOG,
  SET_DOCUMENT_STATE,
} from '../common/channels.ts';

export type IpcListener = (event: unknown, ...args: unknown[]) => void;

/** What the preload uses of ipcRenderer (so tests can hand it a fake). */
export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

const ipcFailure = (channel: string, e: unknown) => ({
  ok: false as const,
  error: { code: 'ipc', message: `${channel} failed: ${e instanceof Error ? e.message : String(e)}` },
});

export function createDesktopApi(ipc: PreloadIpc): DesktopApi {
  // Main's handlers are typed against the same DesktopApi (electron/common), so a reply has the
  // promised shape; what can still go wrong is the IPC itself (no handler, a destroyed frame).
  const ask = <T>(channel: string, ...args: unknown[]): Promise<Result<T>> =>
    ipc.invoke(channel, ...args).then(
      (reply) => reply as Result<T>,
      (e: unknown) => ipcFailure(channel, e),
    );

  /** Subscribes `deliver` to a channel; the returned function (and only it) unsubscribes. */
  const subscribe = (channel: string, deliver: (payload: unknown) => void): (() => void) => {
    const listener: IpcListener = (_event, payload) => deliver(payload);
    ipc.on(channel, listener);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(channel, listener);
    };
  };

  return {
    platform: 'electron',
    openGraphDialog: () => ask<OpenedFile | null>(OPEN_GRAPH_DIALOG),
    openGraphPath: (path: string) => ask<OpenedFile>(OPEN_GRAPH_PATH, path),
    saveGraph: (path: string | null, text: string, suggestedName: string) => ask<{ path: string } | null>(SAVE_GRAPH, path, text, suggestedName),
    saveTextDialog: (text: string, suggestedName: string, filter: SaveFilter) => ask<{ path: string } | null>(SAVE_TEXT_DIALOG, text, suggestedName, filter),
    recentFiles: () =>
      ipc.invoke(RECENT_FILES).then(
        (reply) => (Array.isArray(reply) ? (reply as RecentFile[]) : []),
        () => [],
      ),
    setDocumentState: (state: DocumentState) => {
      ipc.send(SET_DOCUMENT_STATE, { title: state.title, path: state.path, dirty: state.dirty });
    },
    onHostStatus: (listener: (status: HostStatus) => void) =>
      subscribe(HOST_STATUS, (payload) => {
        if (isHostStatus(payload)) listener({ state: payload.state, pid: payload.pid, message: payload.message });
      }),
    onMenuCommand: (listener: (command: MenuCommand) => void) =>
      subscribe(MENU_COMMAND, (payload) => {
        if (isMenuCommand(payload)) listener(payload);
      }),
    onOpenFile: (listener: (path: string) => void) =>
      subscribe(OPEN_FILE, (payload) => {
        if (typeof payload === 'string' && payload !== '') listener(payload);
      }),
    onSaveBeforeClose: (listener: () => void) => subscribe(SAVE_BEFORE_CLOSE, () => listener()),
    closeWindow: () => {
      ipc.send(CLOSE_WINDOW);
    },
  };
}
