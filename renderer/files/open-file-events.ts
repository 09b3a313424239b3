/**
 * Files handed to the desktop app outside the page: a second launch with a file, a file opened
 * from the macOS Finder, Open Recent in the native menu. Main sends each path with `onOpenFile`
 * (and lets the page read it); the page opens it like any other file: parsed first, then the
 * unsaved-changes question, then loaded, with any failure shown as it is for Open.
 */
import type { DesktopApi } from '../platform/desktop-api.ts';
import type { DesktopFileService } from './desktop-file-service.ts';
import type { FileActions } from './file-actions.ts';

export interface OpenFileEventsDeps {
  readonly api: Pick<DesktopApi, 'onOpenFile'>;
  readonly files: Pick<DesktopFileService, 'openPath'>;
  readonly actions: Pick<FileActions, 'openFrom'>;
  /** After each handed file, opened or not (the recent list may have changed either way). */
  readonly settled?: (opened: boolean) => void;
}

/** Opens every file main hands the page from now on; returns the unsubscribe function. */
export function openHandedFiles({ api, files, actions, settled }: OpenFileEventsDeps): () => void {
  return api.onOpenFile((path) => {
    void actions.openFrom(() => files.openPath(path)).then((opened) => settled?.(opened));
  });
}
