/**
 * Graph files inside Electron: native dialogs and atomic writes through `window.rnnStudio`. Main
 * keeps the recent list (it also feeds the native Open Recent menu), and hands the page files
 * opened outside it (`onOpenFile`), which are read by path here.
 */
import type { DesktopApi, OpenedFile, Result } from '../platform/desktop-api.ts';
import { baseName } from './file-names.ts';
import type { PickedFile } from './file-actions.ts';
import { fail, succeed, type FileFailure, type FileService, type OpenedGraph, type Outcome, type Saved } from './file-service.ts';

// The codes a missing file comes back with: the protocol's, or the system's own.
const MISSING_CODES = new Set(['not-found', 'ENOENT']);

function failureOf(error: { code: string; message: string }, name: string | null): FileFailure {
  if (name !== null && MISSING_CODES.has(error.code)) return { kind: 'missing', name };
  return { kind: 'error', message: error.message };
}

export interface DesktopFileService extends FileService {
  /** Reads a file main handed to the page (`onOpenFile`); it is saved in place afterwards. */
  openPath(path: string): Promise<Outcome<OpenedGraph>>;
}

export function createDesktopFileService(api: DesktopApi): DesktopFileService {
  const writable = new Set<string>();

  const opened = (file: OpenedFile): OpenedGraph => {
    writable.add(file.path);
    return { path: file.path, name: baseName(file.path), text: file.text };
  };

  const saved = (result: Result<{ path: string } | null>): Outcome<Saved | null> => {
    if (!result.ok) return fail(failureOf(result.error, null));
    if (result.value === null) return succeed(null);
    writable.add(result.value.path);
    return succeed({ path: result.value.path, name: baseName(result.value.path) });
  };

  return {
    kind: 'desktop',

    async open() {
      const result = await api.openGraphDialog();
      if (!result.ok) return fail(failureOf(result.error, null));
      return succeed(result.value === null ? null : opened(result.value));
    },

    async openRecent(item) {
      const result = await api.openGraphPath(item.key);
      return result.ok ? succeed(opened(result.value)) : fail(failureOf(result.error, item.name));
    },

    async openPath(path) {
      const result = await api.openGraphPath(path);
      if (result.ok) return succeed(opened(result.value));
      return fail(MISSING_CODES.has(result.error.code) ? { kind: 'not-found', path } : { kind: 'error', message: result.error.message });
    },

    async recent() {
      const files = await api.recentFiles();
      return files.map((f) => ({ key: f.path, name: f.name, detail: f.path }));
    },

    async forgetRecent(item) {
      api.forgetRecentFile(item.key);
    },

    canSaveInPlace: (path) => writable.has(path),

    async save(path, text, suggestedName) {
      return saved(await api.saveGraph(path !== null && writable.has(path) ? path : null, text, suggestedName));
    },

    async saveAs(text, suggestedName) {
      return saved(await api.saveGraph(null, text, suggestedName));
    },

    async exportText(text, suggestedName) {
      const result = await api.saveTextDialog(text, suggestedName, 'graph');
      if (!result.ok) return fail(failureOf(result.error, null));
      return succeed(result.value === null ? null : { name: baseName(result.value.path) });
    },
  };
}

/**
 * A file picked for Import through the native open dialog. A page's own file input cannot be
 * opened from a native menu command (the browser asks for a click in the page), and the native
 * dialog is what the rest of the desktop app uses. The path is not kept: an import is unsaved.
 */
export async function pickImportFile(api: DesktopApi): Promise<Outcome<PickedFile | null>> {
  const result = await api.openGraphDialog();
  if (!result.ok) return fail(failureOf(result.error, null));
  if (result.value === null) return succeed(null);
  const { path, text } = result.value;
  return succeed({ name: baseName(path), text: async () => text });
}
