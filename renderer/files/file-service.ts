/**
 * Where graph files come from and go to, behind one interface with two implementations chosen
 * at run time: the desktop's native dialogs and file system (`window.rnnStudio`), or, in a
 * browser, the engine host's workspace folder (`files.*` requests).
 *
 * Paths are what the host resolves a graph's dataset files against (`documentPath`). A service
 * writes back in place only to a path it opened or saved itself; any other path (a template's,
 * whose dataset files sit beside it) is read-only, and saving there turns into Save As.
 */
import type { ProtocolError } from '../../engine/protocol/index.ts';

export type FileFailure =
  /** The browser's files and every template come through the engine host, which is down. */
  | { readonly kind: 'engine-offline' }
  /** A recent file that is gone (it has been taken off the recent list). */
  | { readonly kind: 'missing'; readonly name: string }
  /** A file handed to the app by path (a second launch, Finder) that is not there. */
  | { readonly kind: 'not-found'; readonly path: string }
  /** Anything else, with the host's or the system's own words. */
  | { readonly kind: 'error'; readonly message: string };

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: FileFailure };

export const succeed = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = (failure: FileFailure): Outcome<never> => ({ ok: false, failure });

/** A protocol error as a file failure: a closed or absent connection is "engine offline". */
export function failureOf(error: ProtocolError): FileFailure {
  return error.code === 'host-unavailable' ? { kind: 'engine-offline' } : { kind: 'error', message: error.message };
}

export interface OpenedGraph {
  /** Where it lives, as the host and the store know it (the document path). */
  readonly path: string;
  /** A short name for messages and the recent list. */
  readonly name: string;
  readonly text: string;
}

export interface RecentItem {
  /** What `openRecent` needs back (a full path on the desktop, a workspace name in a browser). */
  readonly key: string;
  readonly name: string;
  /** Shown as a tooltip: the full path or the workspace it is in. */
  readonly detail: string;
}

export interface Saved {
  readonly path: string;
  readonly name: string;
}

export interface FileService {
  readonly kind: 'desktop' | 'browser';
  /** Lets the user pick a graph file; null when they cancel. */
  open(): Promise<Outcome<OpenedGraph | null>>;
  openRecent(item: RecentItem): Promise<Outcome<OpenedGraph>>;
  /** Newest first. */
  recent(): Promise<readonly RecentItem[]>;
  /** Takes a file off the recent list (it could not be opened). */
  forgetRecent(item: RecentItem): Promise<void>;
  /** Whether `save(path, …)` writes to `path` itself rather than asking for a place. */
  canSaveInPlace(path: string): boolean;
  /** Writes `text` to `path` in place (when `canSaveInPlace`), else asks for a place; null when cancelled. */
  save(path: string | null, text: string, suggestedName: string): Promise<Outcome<Saved | null>>;
  /** Always asks for a place; null when cancelled. */
  saveAs(text: string, suggestedName: string): Promise<Outcome<Saved | null>>;
  /** Hands the text to the user as a file outside the app's own saving (a download, a save dialog). */
  exportText(text: string, suggestedName: string): Promise<Outcome<{ readonly name: string } | null>>;
}
