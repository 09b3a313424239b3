/**
 * What main knows about one window's document: its title bar, the unsaved-changes prompt when the
 * window is closed, and commands waiting for the page to be ready. Electron stays outside: the
 * window's functions are passed in, so the logic runs in tests as it runs in the app.
 */
import type { MessageBoxOptions } from 'electron';
import type { DocumentState, MenuCommand } from '../common/api.ts';
import { fill, type MainStrings } from './strings.ts';

/** Marks an unsaved document in the title where the OS has no marker of its own (macOS has one in the close button). */
export const DIRTY_MARKER = '● ';

const MAX_TITLE_LENGTH = 120;

/** The document's name as the title shows it: no control characters, not overly long, never empty. */
export function documentName(state: DocumentState | null, strings: MainStrings): string {
  // eslint-disable-next-line no-control-regex
  const name = (state?.title ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (name === '') return strings.untitled;
  return name.length > MAX_TITLE_LENGTH ? `${name.slice(0, MAX_TITLE_LENGTH - 1)}…` : name;
}

/** "name — RNN Studio", with a marker when there are unsaved changes (except on macOS). */
export function windowTitle(state: DocumentState | null, platform: NodeJS.Platform, strings: MainStrings): string {
  const marker = state?.dirty && platform !== 'darwin' ? DIRTY_MARKER : '';
  return `${marker}${documentName(state, strings)} — ${strings.appName}`;
}

export type CloseChoice = 'save' | 'discard' | 'cancel';

/** The native "Save / Don't Save / Cancel" box; Escape or closing the box means Cancel. */
export function closePromptOptions(name: string, strings: MainStrings): MessageBoxOptions {
  return {
    type: 'warning',
    buttons: [strings.closeSave, strings.closeDontSave, strings.closeCancel],
    defaultId: 0,
    cancelId: 2,
    noLink: true,
    message: fill(strings.closeUnsavedMessage, { name }),
    detail: strings.closeUnsavedDetail,
  };
}

export function closeChoiceOf(response: number): CloseChoice {
  return response === 0 ? 'save' : response === 1 ? 'discard' : 'cancel';
}

export interface DocumentWindowDeps {
  readonly platform: NodeJS.Platform;
  readonly strings: MainStrings;
  setTitle(title: string): void;
  /** macOS: the dot in the close button, and the file's icon in the title bar. */
  setDocumentEdited(edited: boolean): void;
  setRepresentedFilename(path: string): void;
  askToSave(options: MessageBoxOptions): Promise<number>;
  /** Sends SAVE_BEFORE_CLOSE to the page. */
  requestSave(): void;
  sendCommand(command: MenuCommand): void;
  /** BrowserWindow.close(), which emits 'close' again. */
  close(): void;
  /** The user chose Cancel (an app quit that was waiting on this window stops). */
  closeCancelled?(): void;
  readonly now?: () => number;
}

/** How long a file handed to the app (command line, Finder, Open Recent) waits for the page to ask for it. */
export const PENDING_OPEN_MS = 30_000;

export class DocumentWindow {
  private docState: DocumentState = { title: '', path: null, dirty: false };
  private closeAllowed = false;
  private asking = false;
  private pageReady = false;
  private readonly waiting: MenuCommand[] = [];
  private pendingOpen: { path: string; at: number } | null = null;

  constructor(private readonly deps: DocumentWindowDeps) {
    this.applyTitle();
  }

  get state(): DocumentState {
    return this.docState;
  }

  setState(state: DocumentState): void {
    this.docState = { title: state.title, path: state.path, dirty: state.dirty };
    this.applyTitle();
    this.pageSpoke();
  }

  /** The window's 'close' event: an unsaved document is not closed before the user decides. */
  handleClose(event: { preventDefault(): void }): void {
    if (this.closeAllowed || !this.docState.dirty) return;
    event.preventDefault();
    if (this.asking) return;
    this.asking = true;
    const name = documentName(this.docState, this.deps.strings);
    this.deps.askToSave(closePromptOptions(name, this.deps.strings)).then(
      (response) => {
        this.asking = false;
        const choice = closeChoiceOf(response);
        if (choice === 'save') this.deps.requestSave();
        else if (choice === 'discard') this.closeNow();
        else this.deps.closeCancelled?.();
      },
      () => {
        this.asking = false;
        this.deps.closeCancelled?.();
      },
    );
  }

  /** The page saved (or the user chose Don't Save): close without asking again. */
  closeNow(): void {
    this.closeAllowed = true;
    this.deps.close();
  }

  /** The page started loading (again): commands wait until it is up. */
  pageLoading(): void {
    this.pageReady = false;
  }

  /** The page sent a message, so its listeners are in place: deliver what waited. */
  pageSpoke(): void {
    if (this.pageReady) return;
    this.pageReady = true;
    for (const command of this.waiting.splice(0)) this.deps.sendCommand(command);
  }

  /** Sends a menu command now, or as soon as the page is ready for it. */
  command(command: MenuCommand): void {
    if (this.pageReady) this.deps.sendCommand(command);
    else if (!this.waiting.includes(command)) this.waiting.push(command);
  }

  /**
   * Opens a file the user handed to the app outside the page (the command line, Finder, the Open
   * Recent menu). The page opens files through `file.open` → openGraphDialog, which checks for
   * unsaved changes first; that call then answers with this file instead of showing a dialog.
   */
  open(path: string): void {
    this.pendingOpen = { path, at: this.now() };
    this.command('file.open');
  }

  /** The file waiting to be opened, once; null when there is none or it waited too long. */
  takePendingOpen(): string | null {
    const pending = this.pendingOpen;
    this.pendingOpen = null;
    return pending !== null && this.now() - pending.at <= PENDING_OPEN_MS ? pending.path : null;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private applyTitle(): void {
    this.deps.setTitle(windowTitle(this.docState, this.deps.platform, this.deps.strings));
    if (this.deps.platform === 'darwin') {
      this.deps.setDocumentEdited(this.docState.dirty);
      this.deps.setRepresentedFilename(this.docState.path ?? '');
    }
  }
}
