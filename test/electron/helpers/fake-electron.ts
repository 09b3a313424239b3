/**
 * Enough of Electron's main-process API, as plain objects that record what they are asked, to run
 * the bundled dist/electron/main.cjs in Node. Only what main.ts uses is here.
 */
import { EventEmitter } from 'node:events';

export interface FakeEvent {
  prevented: boolean;
  preventDefault(): void;
}
export const fakeEvent = (extra: Record<string, unknown> = {}): FakeEvent & Record<string, unknown> => {
  const event = { prevented: false, preventDefault: () => (event.prevented = true), ...extra };
  return event;
};

export interface FakeElectronOptions {
  readonly appPath: string;
  readonly userData: string;
  readonly documents: string;
  readonly lock?: boolean;
  readonly messageBoxResponse?: number;
  readonly isPackaged?: boolean;
}

/** What main's app:// handler gets of a request and gives back. */
export type FakeProtocolHandler = (request: { url: string; method: string }) => Promise<Response>;

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  readonly posted: { channel: string; message: unknown; transfer: unknown[] }[] = [];
  readonly mainFrame = { url: '', parent: null };
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  postMessage(channel: string, message: unknown, transfer: unknown[] = []): void {
    this.posted.push({ channel, message, transfer });
  }
  isDestroyed(): boolean {
    return false;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
    this.windowOpenHandler = handler;
  }
  windowOpenHandler: ((details: { url: string }) => unknown) | null = null;
}

export function fakeElectron(options: FakeElectronOptions) {
  const record = {
    windows: [] as FakeBrowserWindow[],
    forks: [] as { modulePath: string; args: string[]; options: Record<string, unknown>; child: FakeUtilityProcess }[],
    handles: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
    listeners: new Map<string, (event: unknown, ...args: unknown[]) => void>(),
    menus: [] as unknown[],
    headersListener: null as unknown,
    permissionRequestHandler: null as unknown,
    permissionCheckHandler: null as unknown,
    quits: 0,
    messageBoxes: [] as unknown[],
    errorBoxes: [] as { title: string; content: string }[],
    recentDocuments: [] as string[],
    privilegedSchemes: [] as { scheme: string; privileges?: Record<string, boolean> }[],
    protocolHandlers: new Map<string, FakeProtocolHandler>(),
    openedExternally: [] as string[],
  };

  class FakeBrowserWindow extends EventEmitter {
    static getFocusedWindow(): FakeBrowserWindow | null {
      return record.windows.find((w) => !w.closed) ?? null;
    }
    static fromWebContents(contents: FakeWebContents): FakeBrowserWindow | null {
      return record.windows.find((w) => w.webContents === contents) ?? null;
    }
    readonly webContents = new FakeWebContents();
    title = '';
    loaded: string | null = null;
    closed = false;
    shown = false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      record.windows.push(this);
      app.emit('web-contents-created', fakeEvent(), this.webContents);
    }
    loadURL(url: string): Promise<void> {
      this.loaded = url;
      return Promise.resolve();
    }
    setTitle(title: string): void {
      this.title = title;
    }
    setDocumentEdited(): void {}
    setRepresentedFilename(): void {}
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    focus(): void {}
    show(): void {
      this.shown = true;
    }
    isDestroyed(): boolean {
      return this.closed;
    }
    reload(): void {}
    /** Like BrowserWindow.close(): 'close' may be prevented; otherwise the window goes. */
    close(): void {
      const event = fakeEvent();
      this.emit('close', event);
      if (event.prevented) return;
      this.closed = true;
      this.emit('closed');
    }
  }

  class FakeUtilityProcess extends EventEmitter {
    pid: number | undefined = undefined;
    readonly posted: { message: unknown; transfer: unknown[] }[] = [];
    killed = false;
    postMessage(message: unknown, transfer: unknown[] = []): void {
      this.posted.push({ message, transfer });
    }
    kill(): boolean {
      this.killed = true;
      return true;
    }
  }

  let channels = 0;
  class MessageChannelMain {
    readonly port1: { channel: number; end: number };
    readonly port2: { channel: number; end: number };
    constructor() {
      channels++;
      this.port1 = { channel: channels, end: 1 };
      this.port2 = { channel: channels, end: 2 };
    }
  }

  const app = Object.assign(new EventEmitter(), {
    isPackaged: options.isPackaged ?? false,
    setName: () => undefined,
    setAppUserModelId: () => undefined,
    requestSingleInstanceLock: () => options.lock ?? true,
    quit: () => {
      record.quits++;
    },
    exit: () => undefined,
    getAppPath: () => options.appPath,
    getPath: (name: string) => (name === 'userData' ? options.userData : name === 'documents' ? options.documents : `/unknown/${name}`),
    getLocale: () => 'en-US',
    getVersion: () => '0.1.0',
    whenReady: () => Promise.resolve(),
    setAboutPanelOptions: () => undefined,
    addRecentDocument: (path: string) => record.recentDocuments.push(path),
    clearRecentDocuments: () => undefined,
  });

  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    MessageChannelMain,
    protocol: {
      registerSchemesAsPrivileged: (schemes: { scheme: string; privileges?: Record<string, boolean> }[]) => record.privilegedSchemes.push(...schemes),
      handle: (scheme: string, handler: FakeProtocolHandler) => record.protocolHandlers.set(scheme, handler),
    },
    utilityProcess: {
      fork: (modulePath: string, args: string[], forkOptions: Record<string, unknown>) => {
        const child = new FakeUtilityProcess();
        record.forks.push({ modulePath, args, options: forkOptions, child });
        return child;
      },
    },
    ipcMain: {
      handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => unknown) => record.handles.set(channel, listener),
      on: (channel: string, listener: (event: unknown, ...args: unknown[]) => void) => record.listeners.set(channel, listener),
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (listener: unknown) => (record.headersListener = listener) },
        setPermissionRequestHandler: (handler: unknown) => (record.permissionRequestHandler = handler),
        setPermissionCheckHandler: (handler: unknown) => (record.permissionCheckHandler = handler),
      },
    },
    Menu: {
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu: (menu: unknown) => record.menus.push(menu),
    },
    dialog: {
      showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
      showSaveDialog: () => Promise.resolve({ canceled: true, filePath: '' }),
      // Like Electron: (window, options) or (options).
      showMessageBox: (windowOrBox: unknown, box?: unknown) => {
        record.messageBoxes.push(box ?? windowOrBox);
        return Promise.resolve({ response: options.messageBoxResponse ?? 2, checkboxChecked: false });
      },
      showErrorBox: (title: string, content: string) => record.errorBoxes.push({ title, content }),
    },
    shell: {
      openExternal: (url: string) => {
        record.openedExternally.push(url);
        return Promise.resolve();
      },
    },
  };
  return { electron, record, app };
}
