/**
 * A stand-in for `window.rnnStudio` in the File menu's tests: files in memory, a native open
 * dialog that answers what it was given, saves that can be held back, and `handOver(path)`,
 * which sends a file as main does for a second launch, Finder or the native Open Recent.
 */
import assert from 'node:assert/strict';
import type { DesktopApi, OpenedFile, RecentFile, Result } from '../../../renderer/platform/desktop-api.ts';

export interface FakeDesktopOptions {
  readonly dialogFile?: OpenedFile | null;
  readonly files?: Record<string, string>;
  /** Where a save that asks for a place goes; null: the user cancels the dialog. */
  readonly saveAsPath?: string | null;
  readonly recent?: RecentFile[];
  /** Paths whose reads fail with this error instead (a file too large, not UTF-8 …). */
  readonly failures?: Record<string, { code: string; message: string }>;
  /** Each save waits for this before it writes. */
  readonly saveGate?: Promise<void>;
}

export interface FakeDesktop {
  readonly api: DesktopApi;
  readonly files: Map<string, string>;
  readonly saves: { path: string | null; text: string; suggestedName: string }[];
  readonly exports: { text: string; suggestedName: string; filter: string }[];
  /** Paths read with openGraphPath, in order. */
  readonly reads: string[];
  /** Paths taken off the recent list. */
  readonly forgotten: string[];
  /** Sends `path` to every `onOpenFile` listener, as main does. */
  handOver(path: string): void;
  /** How many `onOpenFile` listeners are subscribed. */
  openFileListeners(): number;
}

export function fakeDesktop(options: FakeDesktopOptions = {}): FakeDesktop {
  const files = new Map(Object.entries(options.files ?? {}));
  const saves: FakeDesktop['saves'] = [];
  const exports: FakeDesktop['exports'] = [];
  const reads: string[] = [];
  const forgotten: string[] = [];
  const openFileListeners = new Set<(path: string) => void>();
  const ok = <T>(value: T): Result<T> => ({ ok: true, value });
  const unused = () => assert.fail('not used by the file service');
  const api: DesktopApi = {
    platform: 'electron',
    openGraphDialog: async () => ok(options.dialogFile ?? null),
    async openGraphPath(path) {
      reads.push(path);
      const failure = options.failures?.[path];
      if (failure) return { ok: false, error: failure };
      const text = files.get(path);
      return text === undefined ? { ok: false, error: { code: 'not-found', message: `${path} does not exist (it may have been moved or deleted)` } } : ok({ path, text });
    },
    async saveGraph(path, text, suggestedName) {
      saves.push({ path, text, suggestedName });
      await options.saveGate;
      const target = path ?? options.saveAsPath ?? null;
      if (target === null) return ok(null);
      files.set(target, text);
      return ok({ path: target });
    },
    async saveTextDialog(text, suggestedName, filter) {
      exports.push({ text, suggestedName, filter });
      return ok({ path: `/home/ada/exports/${suggestedName}` });
    },
    saveBytesDialog: unused,
    recentFiles: async () => options.recent ?? [],
    listBackups: unused,
    readBackup: unused,
    writeBackup: unused,
    removeBackup: unused,
    forgetRecentFile(path) {
      forgotten.push(path);
    },
    setDocumentState: unused,
    onHostStatus: unused,
    onMenuCommand: unused,
    onOpenFile(listener) {
      openFileListeners.add(listener);
      return () => void openFileListeners.delete(listener);
    },
    onSaveBeforeClose: unused,
    closeWindow: unused,
  };
  return {
    api,
    files,
    saves,
    exports,
    reads,
    forgotten,
    handOver: (path) => {
      for (const listener of openFileListeners) listener(path);
    },
    openFileListeners: () => openFileListeners.size,
  };
}
