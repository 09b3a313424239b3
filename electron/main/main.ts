/**
 * Electron's main process: windows, menus, native dialogs, recent files, and the engine host it
 * starts and hands ports to. It never computes. Everything with logic lives in the modules next
 * to this one, which take their Electron pieces as arguments and are tested without Electron;
 * this file only connects them to the real thing. Bundled to dist/electron/main.cjs.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, MessageChannelMain, protocol, session, shell, utilityProcess, type MessagePortMain, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_PORT } from '../common/channels.ts';
import { type EventName, IPC, type MenuCommand, type PayloadOf, type RecentFile } from '../common/ipc.ts';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, serveRenderer } from './app-protocol.ts';
import { ChosenFolders } from './chosen-folders.ts';
import { graphFileFromArgv } from './command-line.ts';
import { DocumentWindow } from './document-window.ts';
import { EngineSupervisor } from './engine-supervisor.ts';
import { externalLinkPrompt } from './external-links.ts';
import { type IpcHandlers, registerIpcHandlers } from './ipc-handlers.ts';
import { buildMenuTemplate } from './menu.ts';
import { checkNativeFiles, describeNativeProblems, type NativeFileProblem } from './native-files.ts';
import { type AppPaths, appPaths } from './paths.ts';
import { RecentFiles } from './recent-files.ts';
import { createBackupFolder } from '../../engine/files/backups.ts';
import { denyAllPermissions, guardWebContents, installContentSecurityPolicy, secureWebPreferences } from './security.ts';
import { stringsFor, type MainStrings } from './strings.ts';

const log = (message: string) => console.warn(`[rnn-studio] ${message}`);

/** If the page sends nothing this long after loading, commands and files waiting for it are sent anyway. */
const PAGE_READY_FALLBACK_MS = 1500;
/** A crashed page is reloaded, but not over and over. */
const MIN_RELOAD_INTERVAL_MS = 10_000;

interface AppWindow {
  readonly window: BrowserWindow;
  readonly document: DocumentWindow;
}

app.setName('RNN Studio');
if (process.platform === 'win32') app.setAppUserModelId('org.rnnstudio.app');
// Schemes get their privileges only before the app is ready.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

/** The phases of a run: the services first, then the app's events, then, once Electron is ready, the first window. */
function runApp(): void {
  const studio = new Studio(appPaths({ appPath: app.getAppPath(), isPackaged: app.isPackaged, resourcesPath: process.resourcesPath }));
  studio.listenToApp();
  app
    .whenReady()
    .then(() => studio.ready())
    .catch((e: unknown) => {
      log(`could not start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      app.exit(1);
    });
}

/** Sends a main → page event of the IPC table, if the page is still there. */
function sendEvent<K extends EventName>(contents: WebContents, name: K, ...payload: PayloadOf<K> extends void ? [] : [PayloadOf<K>]): void {
  if (!contents.isDestroyed()) contents.send(IPC[name].channel, ...payload);
}

class Studio {
  private readonly windows = new Map<number, AppWindow>();
  private strings: MainStrings = stringsFor('en');
  private quitting = false;
  private isReady = false;
  private fileToOpen = graphFileFromArgv(process.argv, process.cwd(), app.isPackaged);
  private readonly recentFiles: RecentFiles;
  private readonly chosenFolders = new ChosenFolders((message) => this.supervisor.tell(message));
  private readonly supervisor: EngineSupervisor<MessagePortMain>;
  private readonly handlers: IpcHandlers;

  constructor(private readonly paths: AppPaths) {
    // Every WebContents, whatever creates it, is kept on the app's page.
    app.on('web-contents-created', (_event, contents) => {
      guardWebContents(contents, {
        appUrl: paths.rendererUrl,
        openExternal: (url) => shell.openExternal(url),
        confirmExternal: (url) => this.confirmExternal(contents, url),
        log,
      });
    });
    this.recentFiles = new RecentFiles({
      file: join(app.getPath('userData'), 'recent-files.json'),
      onAdded: (path) => app.addRecentDocument(path),
      onChanged: (files) => this.rebuildMenu(files),
      log,
    });
    this.supervisor = this.createSupervisor();
    this.handlers = this.registerHandlers();
  }

  /** Files handed over by the system, quitting, and windows coming and going. */
  listenToApp(): void {
    // A second launch (a file double-clicked while the app runs) lands here instead.
    app.on('second-instance', (_event, argv, workingDirectory) => {
      const file = graphFileFromArgv(argv, workingDirectory, app.isPackaged);
      if (file !== null) this.openFile(file);
      else this.bringToFront(this.someWindow());
    });
    // macOS hands files over with 'open-file', possibly before the app is ready.
    app.on('open-file', (event, path) => {
      event.preventDefault();
      if (this.isReady) this.openFile(path);
      else this.fileToOpen = path;
    });
    app.on('before-quit', () => {
      this.quitting = true;
    });
    app.on('will-quit', () => this.supervisor.stop());
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin' || this.quitting) app.quit();
    });
    app.on('activate', () => {
      if (this.isReady && this.windows.size === 0) this.createWindow();
    });
  }

  /** Electron is ready: language, session rules, menu, the engine host, then the first window. */
  ready(): void {
    this.strings = stringsFor(app.getLocale());
    app.setAboutPanelOptions({ applicationName: this.strings.appName, applicationVersion: app.getVersion() });
    protocol.handle(APP_SCHEME, serveRenderer(this.paths.rendererDir, log));
    installContentSecurityPolicy(session.defaultSession);
    denyAllPermissions(session.defaultSession, log);
    this.rebuildMenu([]);
    void this.recentFiles.list().then((files) => this.rebuildMenu(files));
    this.isReady = true;
    void this.startEngine();
    this.createWindow();
    if (this.fileToOpen !== null) this.openFile(this.fileToOpen);
    this.fileToOpen = null;
  }

  /**
   * The engine host loads the ONNX Runtime files left outside app.asar; it starts only when they
   * are the ones packaged (native-files.ts). Otherwise the user is told which files differ, and the app quits.
   */
  private async startEngine(): Promise<void> {
    const problems = await checkNativeFiles({ isPackaged: app.isPackaged, platform: process.platform, arch: process.arch, appPath: app.getAppPath() }).catch(
      (e: unknown): NativeFileProblem[] => [{ kind: 'unreadable', file: `${app.getAppPath()}.unpacked`, reason: e instanceof Error ? e.message : String(e) }],
    );
    if (problems.length === 0) {
      this.supervisor.start();
      return;
    }
    const { title, message } = describeNativeProblems(problems, this.strings);
    log(`${title}: ${message}`);
    dialog.showErrorBox(title, message);
    app.quit();
  }

  /** The native question before a link that is not the documentation opens in the browser. */
  private async confirmExternal(contents: WebContents, url: string): Promise<boolean> {
    const parent = BrowserWindow.fromWebContents(contents);
    const box = externalLinkPrompt(url, this.strings);
    const { response } = await (parent === null ? dialog.showMessageBox(box) : dialog.showMessageBox(parent, box));
    return response === 0;
  }

  private createSupervisor(): EngineSupervisor<MessagePortMain> {
    const paths = this.paths;
    // Read at each use: the language is known only once the app is ready.
    const strings = () => this.strings;
    return new EngineSupervisor<MessagePortMain>({
      fork: () => {
        if (!existsSync(paths.engineHost)) throw new Error(`${paths.engineHost} is missing (run npm run build)`);
        // No workspace: files go through native dialogs, and the host reads only the folders the user chose.
        // Checkpoints of running runs go to the app's own data folder, where a restarted host finds them.
        const checkpoints = ['--checkpoints', join(app.getPath('userData'), 'checkpoints')];
        return utilityProcess.fork(paths.engineHost, [...this.chosenFolders.hostArgs(), '--templates', paths.templates, ...checkpoints], {
          serviceName: 'RNN Studio engine',
          stdio: 'inherit',
        });
      },
      createChannel: () => new MessageChannelMain(),
      get strings() {
        return strings();
      },
      log,
    });
  }

  private registerHandlers(): IpcHandlers {
    const strings = () => this.strings;
    return registerIpcHandlers<WebContents, BrowserWindow>(ipcMain, {
      appUrl: this.paths.rendererUrl,
      windowOf: (sender) => this.windows.get(sender.id) ?? null,
      dialogs: {
        showOpenDialog: (parent, options) => dialog.showOpenDialog(parent, options),
        showSaveDialog: (parent, options) => dialog.showSaveDialog(parent, options),
      },
      recent: this.recentFiles,
      backups: createBackupFolder(join(app.getPath('userData'), 'backups'), { root: app.getPath('userData') }),
      defaultFolder: () => app.getPath('documents'),
      folderChosen: (folder) => this.chosenFolders.add(folder),
      get strings() {
        return strings();
      },
      log,
    });
  }

  private focusedWindow(): AppWindow | null {
    const focused = BrowserWindow.getFocusedWindow();
    const match = focused === null ? undefined : [...this.windows.values()].find((w) => w.window === focused);
    return match ?? this.windows.values().next().value ?? null;
  }

  private someWindow(): AppWindow {
    return this.focusedWindow() ?? this.createWindow();
  }

  private bringToFront(target: AppWindow): void {
    if (target.window.isMinimized()) target.window.restore();
    target.window.focus();
  }

  /** A file handed to the app: the page may now read it by path, and opens it as any file (unsaved changes first). */
  private openFile(path: string): void {
    this.handlers.allow(path);
    const target = this.someWindow();
    this.bringToFront(target);
    target.document.open(path);
  }

  private rebuildMenu(recent: readonly RecentFile[]): void {
    const template = buildMenuTemplate({
      platform: process.platform,
      isDev: !app.isPackaged,
      strings: this.strings,
      recent,
      command: (command: MenuCommand) => this.someWindow().document.command(command),
      openRecent: (path) => this.openFile(path),
      clearRecent: () => {
        app.clearRecentDocuments();
        void this.recentFiles.clear();
      },
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  private createWindow(): AppWindow {
    const window = new BrowserWindow({
      width: 1440,
      height: 900,
      minWidth: 960,
      minHeight: 600,
      show: false,
      title: this.strings.appName,
      webPreferences: secureWebPreferences(this.paths.preload),
    });
    const contents = window.webContents;
    const id = contents.id;
    const document = new DocumentWindow({
      platform: process.platform,
      strings: this.strings,
      setTitle: (title) => window.setTitle(title),
      setDocumentEdited: (edited) => window.setDocumentEdited(edited),
      setRepresentedFilename: (path) => window.setRepresentedFilename(path),
      askToSave: (options) => dialog.showMessageBox(window, options).then((r) => r.response),
      requestSave: () => sendEvent(contents, 'onSaveBeforeClose'),
      sendCommand: (command) => sendEvent(contents, 'onMenuCommand', command),
      sendOpenFile: (path) => sendEvent(contents, 'onOpenFile', path),
      close: () => window.close(),
      closeCancelled: () => {
        this.quitting = false;
      },
    });
    const entry: AppWindow = { window, document };
    this.windows.set(id, entry);

    // The title is main's (document name and dirty marker), not the page's <title>.
    window.on('page-title-updated', (event) => event.preventDefault());
    window.on('close', (event) => document.handleClose(event));
    window.on('closed', () => {
      this.windows.delete(id);
      this.supervisor.removeClient(id);
      if (this.quitting && this.windows.size === 0) app.quit();
    });
    window.once('ready-to-show', () => window.show());
    this.followPage(window, document);
    window.loadURL(this.paths.rendererUrl).catch((e: unknown) => log(`could not load ${this.paths.rendererUrl}: ${e instanceof Error ? e.message : String(e)}`));
    return entry;
  }

  /** The page's life: once loaded it talks to the engine; a crashed page is reloaded, but not over and over. */
  private followPage(window: BrowserWindow, document: DocumentWindow): void {
    const contents = window.webContents;
    const id = contents.id;
    contents.on('did-start-loading', () => document.pageLoading());
    contents.on('did-finish-load', () => {
      this.supervisor.addClient({
        id,
        sendPort: (port) => contents.postMessage(ENGINE_PORT, null, [port]),
        sendStatus: (status) => sendEvent(contents, 'onHostStatus', status),
      });
      setTimeout(() => document.pageSpoke(), PAGE_READY_FALLBACK_MS);
    });
    let lastReload = 0;
    contents.on('render-process-gone', (_event, details) => {
      log(`the page's process is gone (${details.reason}, exit code ${details.exitCode})`);
      if (details.reason === 'clean-exit' || Date.now() - lastReload < MIN_RELOAD_INTERVAL_MS) return;
      lastReload = Date.now();
      if (!window.isDestroyed()) window.reload();
    });
  }
}

// Started last: a class can be used only below its declaration.
if (!app.requestSingleInstanceLock()) {
  // Another instance is running; it opens our file (see 'second-instance') and we are done.
  app.quit();
} else {
  runApp();
}
