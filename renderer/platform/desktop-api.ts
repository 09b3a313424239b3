/**
 * What the renderer expects of `window.rnnStudio` when it runs inside Electron. The preload
 * (electron/preload) implements it with one function per message; a test in test/electron checks
 * that the two stay the same shape. In a plain browser `window.rnnStudio` is undefined.
 *
 * The engine connection does not go through this API: the preload forwards the MessagePort that
 * Electron main hands it to the page with `window.postMessage(ENGINE_PORT_MESSAGE, '*', [port])`,
 * once at start and again after every restart of the engine host.
 */
export const ENGINE_PORT_MESSAGE = 'rnn-studio:engine-port';

export interface OpenedFile {
  readonly path: string;
  readonly text: string;
}

export interface RecentFile {
  readonly path: string;
  readonly name: string;
}

/** Commands from the native menu (and its keyboard accelerators). */
export type MenuCommand =
  | 'file.new'
  | 'file.open'
  | 'file.save'
  | 'file.saveAs'
  | 'file.import'
  | 'file.export'
  | 'file.templates'
  | 'edit.undo'
  | 'edit.redo'
  | 'edit.delete'
  | 'edit.selectAll'
  | 'view.fitView'
  | 'train.start'
  | 'train.stop';

export type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

export interface DesktopApi {
  readonly platform: 'electron';
  /** Native open dialog for graph files; null when the user cancels. */
  openGraphDialog(): Promise<Result<OpenedFile | null>>;
  /** Reads a file the user opened before (recent files) or one handed to the app (`onOpenFile`). */
  openGraphPath(path: string): Promise<Result<OpenedFile>>;
  /** Writes atomically; with `path` null, asks for one first (save as). Null when cancelled. */
  saveGraph(path: string | null, text: string, suggestedName: string): Promise<Result<{ path: string } | null>>;
  /** Save dialog for any text (model files, exports). Null when cancelled. */
  saveTextDialog(text: string, suggestedName: string, filter: 'graph' | 'model' | 'json'): Promise<Result<{ path: string } | null>>;
  recentFiles(): Promise<RecentFile[]>;
  /** Tells main the window's document, for the title bar and the unsaved-changes prompt on close. */
  setDocumentState(state: { title: string; path: string | null; dirty: boolean }): void;
  /**
   * The engine host's state as main sees it (a crash, a restart). After 'ready' a new engine port
   * arrives through ENGINE_PORT_MESSAGE; the old one is dead.
   */
  onHostStatus(listener: (status: { state: 'starting' | 'ready' | 'crashed' | 'restarting' | 'stopped'; pid: number | null; message: string | null }) => void): () => void;
  /** Subscribes to native menu commands; returns the unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /**
   * Subscribes to graph files handed to the app outside the page: a second launch with a file,
   * a file opened from the macOS Finder, Open Recent in the native menu. The path is absolute and
   * `openGraphPath` may read it; the page opens it as it opens any file (unsaved changes first).
   */
  onOpenFile(listener: (path: string) => void): () => void;
  /**
   * Closing a window with unsaved changes: main asks "Save, Don't save, Cancel" natively. On Save
   * it calls this listener; the renderer saves and then calls `closeWindow()` (or does not, when
   * the save was cancelled or failed, and the window stays open).
   */
  onSaveBeforeClose(listener: () => void): () => void;
  closeWindow(): void;
}

declare global {
  interface Window {
    rnnStudio?: DesktopApi;
  }
}
