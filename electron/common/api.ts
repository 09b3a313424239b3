/**
 * What the preload gives the page as `window.rnnStudio`. The renderer declares the same shape in
 * `renderer/platform/desktop-api.ts`; preload and common may not import the renderer (lint), so
 * the type is written again here and a test (test/electron/api-shape.test.ts) checks that the two
 * are mutually assignable. Change both together.
 */

/** `window.postMessage` data that carries the engine's MessagePort to the page. */
export const ENGINE_PORT_MESSAGE = 'rnn-studio:engine-port';

export interface OpenedFile {
  readonly path: string;
  readonly text: string;
}

export interface RecentFile {
  readonly path: string;
  readonly name: string;
}

/** Every command the native menu can send; the preload passes on only these. */
export const MENU_COMMANDS = [
  'file.new',
  'file.open',
  'file.save',
  'file.saveAs',
  'file.import',
  'file.export',
  'file.templates',
  'edit.undo',
  'edit.redo',
  'edit.delete',
  'edit.selectAll',
  'view.fitView',
  'train.start',
  'train.stop',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export const HOST_STATES = ['starting', 'ready', 'crashed', 'restarting', 'stopped'] as const;
export type HostState = (typeof HOST_STATES)[number];

export interface HostStatus {
  readonly state: HostState;
  readonly pid: number | null;
  readonly message: string | null;
}

export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** Which kind of file a save dialog offers. */
export const SAVE_FILTERS = ['graph', 'model', 'json'] as const;
export type SaveFilter = (typeof SAVE_FILTERS)[number];

export interface DocumentState {
  title: string;
  path: string | null;
  dirty: boolean;
}

export interface DesktopApi {
  readonly platform: 'electron';
  /** Native open dialog for graph files; null when the user cancels. */
  openGraphDialog(): Promise<Result<OpenedFile | null>>;
  /** Reads a file the user opened before (recent files) or one handed to the app (`onOpenFile`). */
  openGraphPath(path: string): Promise<Result<OpenedFile>>;
  /** Writes atomically; with `path` null, asks for one first (save as). Null when cancelled. */
  saveGraph(path: string | null, text: string, suggestedName: string): Promise<Result<{ path: string } | null>>;
  /** Save dialog for any text (model files, exports). Null when cancelled. */
  saveTextDialog(text: string, suggestedName: string, filter: SaveFilter): Promise<Result<{ path: string } | null>>;
  recentFiles(): Promise<RecentFile[]>;
  /** The window's document, for the title bar and the unsaved-changes prompt on close. */
  setDocumentState(state: DocumentState): void;
  /** The engine host's state as main sees it; after 'ready' a new engine port arrives. */
  onHostStatus(listener: (status: HostStatus) => void): () => void;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /**
   * A graph file handed to the app outside the page (a second launch with a file, macOS Finder,
   * Open Recent in the native menu), as an absolute path the page may now read with `openGraphPath`.
   */
  onOpenFile(listener: (path: string) => void): () => void;
  /** Main asked "Save, Don't Save, Cancel" and the user chose Save: save, then `closeWindow()`. */
  onSaveBeforeClose(listener: () => void): () => void;
  closeWindow(): void;
}

/** The functions of DesktopApi, one per message. */
export const DESKTOP_API_FUNCTIONS = [
  'openGraphDialog',
  'openGraphPath',
  'saveGraph',
  'saveTextDialog',
  'recentFiles',
  'setDocumentState',
  'onHostStatus',
  'onMenuCommand',
  'onOpenFile',
  'onSaveBeforeClose',
  'closeWindow',
] as const satisfies readonly Exclude<keyof DesktopApi, 'platform'>[];

// The list above names every function of DesktopApi, and nothing else.
type Listed = (typeof DESKTOP_API_FUNCTIONS)[number];
const _everyFunctionListed: [Exclude<keyof DesktopApi, 'platform'>] extends [Listed] ? true : never = true;
void _everyFunctionListed;

export const isMenuCommand = (value: unknown): value is MenuCommand => typeof value === 'string' && (MENU_COMMANDS as readonly string[]).includes(value);

export const isHostStatus = (value: unknown): value is HostStatus => {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.state === 'string' &&
    (HOST_STATES as readonly string[]).includes(v.state) &&
    (v.pid === null || (typeof v.pid === 'number' && Number.isInteger(v.pid))) &&
    (v.message === null || typeof v.message === 'string')
  );
};
