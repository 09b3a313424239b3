/**
 * What main knows about one window's document: its title bar, the unsaved-changes prompt when the
 * window is closed, and menu commands and files to open waiting for the page to be ready.
 * Electron stays outside: the window's functions are passed in, so the logic runs in tests as it
 * runs in the app.
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
  /** Sends OPEN_FILE (a file handed to the app) to the page. */
  sendOpenFile(path: string): void;
  /** BrowserWindow.close(), which emits 'close' again. */
  close(): void;
  /** The user chose Cancel (an app quit that was waiting on this window stops). */
  closeCancelled?(): void;
}

/** What waits for the page: a menu command, or a file handed to the app. */
type PageMessage = { readonly kind: 'command'; readonly command: MenuCommand } | { readonly kind: 'open'; readonly path: string };

const sameMessage = (a: PageMessage, b: PageMessage): boolean =>
  a.kind === 'command' ? b.kind === 'command' && a.command === b.command : b.kind === 'open' && a.path === b.path;

export class DocumentWindow {
  private docState: DocumentState = { title: '', path: null, dirty: false };
  private closeAllowed = false;
  private asking = false;
  private pageReady = false;
  private readonly waiting: PageMessage[] = [];

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

  /** The page started loading (again): commands and files wait until it is up. */
  pageLoading(): void {
    this.pageReady = false;
  }

  /** The page sent a message, so its listeners are in place: deliver what waited, in order. */
  pageSpoke(): void {
    if (this.pageReady) return;
    this.pageReady = true;
    for (const message of this.waiting.splice(0)) this.deliver(message);
  }

  /** Sends a menu command now, or as soon as the page is ready for it. */
  command(command: MenuCommand): void {
    this.post({ kind: 'command', command });
  }

  /**
   * Has the page open a file handed to the app outside it (a second launch, Finder, the Open
   * Recent menu), now or as soon as the page is ready. The page asks about unsaved changes first.
   */
  open(path: string): void {
    this.post({ kind: 'open', path });
  }

  private post(message: PageMessage): void {
    if (this.pageReady) this.deliver(message);
    // The same command or file twice before the page is up is still one thing to do.
    else if (!this.waiting.some((w) => sameMessage(w, message))) this.waiting.push(message);
  }

  private deliver(message: PageMessage): void {
    if (message.kind === 'command') this.deps.sendCommand(message.command);
    else this.deps.sendOpenFile(message.path);
  }

  private applyTitle(): void {
    this.deps.setTitle(windowTitle(this.docState, this.deps.platform, this.deps.strings));
    if (this.deps.platform === 'darwin') {
      this.deps.setDocumentEdited(this.docState.dirty);
      this.deps.setRepresentedFilename(this.docState.path ?? '');
    }
  }
}
