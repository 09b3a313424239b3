/**
 * IPC channel names between main and the preload, one per message. Prefixed so they never meet
 * Electron's own channels; which message each carries is in ipc.ts. Only these names exist: main registers a handler for each renderer →
 * main channel and nothing else, so a page cannot reach anything by guessing a name.
 */

// ─── Renderer asks, main answers (ipcRenderer.invoke ↔ ipcMain.handle) ─────────────────────
export const OPEN_GRAPH_DIALOG = 'rnn-studio:open-graph-dialog';
export const OPEN_GRAPH_PATH = 'rnn-studio:open-graph-path';
export const SAVE_GRAPH = 'rnn-studio:save-graph';
export const SAVE_TEXT_DIALOG = 'rnn-studio:save-text-dialog';
export const SAVE_BYTES_DIALOG = 'rnn-studio:save-bytes-dialog';
export const RECENT_FILES = 'rnn-studio:recent-files';
export const LIST_BACKUPS = 'rnn-studio:list-backups';
export const READ_BACKUP = 'rnn-studio:read-backup';
export const WRITE_BACKUP = 'rnn-studio:write-backup';
export const REMOVE_BACKUP = 'rnn-studio:remove-backup';

// ─── Renderer tells main (ipcRenderer.send ↔ ipcMain.on) ──────────────────────────────────
export const SET_DOCUMENT_STATE = 'rnn-studio:set-document-state';
export const CLOSE_WINDOW = 'rnn-studio:close-window';
export const FORGET_RECENT_FILE = 'rnn-studio:forget-recent-file';

// ─── Main tells the renderer (webContents.send / postMessage ↔ ipcRenderer.on) ────────────
export const HOST_STATUS = 'rnn-studio:host-status';
export const MENU_COMMAND = 'rnn-studio:menu-command';
export const SAVE_BEFORE_CLOSE = 'rnn-studio:save-before-close';
/** A graph file handed to the app outside the page (a second launch, Finder, Open Recent). */
export const OPEN_FILE = 'rnn-studio:open-file';
/** Carries a MessagePortMain to the preload, which hands it to the page. */
export const ENGINE_PORT = 'rnn-studio:engine-port-transfer';
