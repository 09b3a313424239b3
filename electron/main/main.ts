/**
 * Electron's main process: windows, menus, native dialogs, recent files, and the engine host it
 * starts and hands ports to. It never computes. Everything with logic lives in the modules next
 * to this one, which take their Electron pieces as arguments and are tested without Electron;
 * this file only connects them to the real thing. Bundled to dist/electron/main.cjs.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, MessageChannelMain, session, shell, utilityProcess, type MessagePortMain, type WebContents } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MenuCommand, RecentFile } from '../common/api.ts';
import { ENGINE_PORT, HOST_STATUS, MENU_COMMAND, OPEN_FILE, SAVE_BEFORE_CLOSE } from '../common/channels.ts';
import { graphFileFromArgv } from './command-line.ts';
import { DocumentWindow } from './document-window.ts';
import { EngineSupervisor } from './engine-supervisor.ts';
import { registerIpcHandlers } from './ipc-handlers.ts';
import { buildMenuTemplate } from './menu.ts';
import { appPaths } from './paths.ts';
import { RecentFiles } from './recent-files.ts';
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

if (!app.requestSingleInstanceLock()) {
  // Another instance is running; it opens our file (see 'second-instance') and we are done.
  app.quit();
} else {
  runApp();
}

function runApp(): void {
  const paths = appPaths({ appPath: app.getAppPath(), isPackaged: app.isPackaged, resourcesPath: process.resourcesPath });
  const isDev = !app.isPackaged;
  const windows = new Map<number, AppWindow>();
  let strings: MainStrings = stringsFor('en');
  let quitting = false;
  let ready = false;
  let fileToOpen = graphFileFromArgv(process.argv, process.cwd(), app.isPackaged);

  // Every WebContents, whatever creates it, is kept on the app's page.
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, { appUrl: paths.rendererUrl, openExternal: (url) => shell.openExternal(url), log });
  });

  const recentFiles = new RecentFiles({
    file: join(app.getPath('userData'), 'recent-files.json'),
    onAdded: (path) => app.addRecentDocument(path),
    onChanged: (files) => rebuildMenu(files),
    log,
  });

  const supervisor = new EngineSupervisor<MessagePortMain>({
    fork: () => {
      if (!existsSync(paths.engineHost)) throw new Error(`${paths.engineHost} is missing (run npm run build)`);
      return utilityProcess.fork(paths.engineHost, ['--workspace', app.getPath('documents'), '--templates', paths.templates], {
        serviceName: 'RNN Studio engine',
        stdio: 'inherit',
      });
    },
    createChannel: () => new MessageChannelMain(),
    get strings() {
      return strings;
    },
    log,
  });

  const focusedWindow = (): AppWindow | null => {
    const focused = BrowserWindow.getFocusedWindow();
    const match = focused === null ? undefined : [...windows.values()].find((w) => w.window === focused);
    return match ?? windows.values().next().value ?? null;
  };
  const someWindow = (): AppWindow => focusedWindow() ?? createWindow();

  const sendCommand = (command: MenuCommand) => someWindow().document.command(command);

  /** A file handed to the app: the page may now read it by path, and opens it as any file (unsaved changes first). */
  const openFile = (path: string) => {
    handlers.allow(path);
    const target = someWindow();
    if (target.window.isMinimized()) target.window.restore();
    target.window.focus();
    target.document.open(path);
  };

  function rebuildMenu(recent: readonly RecentFile[]): void {
    const template = buildMenuTemplate({
      platform: process.platform,
      isDev,
      strings,
      recent,
      command: sendCommand,
      openRecent: openFile,
      clearRecent: () => {
        app.clearRecentDocuments();
        void recentFiles.clear();
      },
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  function createWindow(): AppWindow {
    const window = new BrowserWindow({
      width: 1440,
      height: 900,
      minWidth: 960,
      minHeight: 600,
      show: false,
      title: strings.appName,
      webPreferences: secureWebPreferences(paths.preload),
    });
    const contents = window.webContents;
    const id = contents.id;
    const whenAlive = (send: () => void) => {
      if (!contents.isDestroyed()) send();
    };
    const document = new DocumentWindow({
      platform: process.platform,
      strings,
      setTitle: (title) => window.setTitle(title),
      setDocumentEdited: (edited) => window.setDocumentEdited(edited),
      setRepresentedFilename: (path) => window.setRepresentedFilename(path),
      askToSave: (options) => dialog.showMessageBox(window, options).then((r) => r.response),
      requestSave: () => whenAlive(() => contents.send(SAVE_BEFORE_CLOSE)),
      sendCommand: (command) => whenAlive(() => contents.send(MENU_COMMAND, command)),
      sendOpenFile: (path) => whenAlive(() => contents.send(OPEN_FILE, path)),
      close: () => window.close(),
      closeCancelled: () => {
        quitting = false;
      },
    });
    const entry: AppWindow = { window, document };
    windows.set(id, entry);

    // The title is main's (document name and dirty marker), not the page's <title>.
    window.on('page-title-updated', (event) => event.preventDefault());
    window.on('close', (event) => document.handleClose(event));
    window.on('closed', () => {
      windows.delete(id);
      supervisor.removeClient(id);
      if (quitting && windows.size === 0) app.quit();
    });
    window.once('ready-to-show', () => window.show());
    contents.on('did-start-loading', () => document.pageLoading());
    contents.on('did-finish-load', () => {
      supervisor.addClient({
        id,
        sendPort: (port) => contents.postMessage(ENGINE_PORT, null, [port]),
        sendStatus: (status) => whenAlive(() => contents.send(HOST_STATUS, status)),
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
    window.loadFile(paths.rendererIndex).catch((e: unknown) => log(`could not load ${paths.rendererIndex}: ${e instanceof Error ? e.message : String(e)}`));
    return entry;
  }

  const handlers = registerIpcHandlers<WebContents, BrowserWindow>(ipcMain, {
    appUrl: paths.rendererUrl,
    windowOf: (sender) => windows.get(sender.id) ?? null,
    dialogs: {
      showOpenDialog: (parent, options) => dialog.showOpenDialog(parent, options),
      showSaveDialog: (parent, options) => dialog.showSaveDialog(parent, options),
    },
    recent: recentFiles,
    defaultFolder: () => app.getPath('documents'),
    get strings() {
      return strings;
    },
    log,
  });

  // A second launch (a file double-clicked while the app runs) lands here instead.
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const file = graphFileFromArgv(argv, workingDirectory, app.isPackaged);
    if (file !== null) openFile(file);
    else {
      const target = someWindow();
      if (target.window.isMinimized()) target.window.restore();
      target.window.focus();
    }
  });

  // macOS hands files over with 'open-file', possibly before the app is ready.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (ready) openFile(path);
    else fileToOpen = path;
  });

  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', () => supervisor.stop());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' || quitting) app.quit();
  });
  app.on('activate', () => {
    if (ready && windows.size === 0) createWindow();
  });

  app
    .whenReady()
    .then(() => {
      strings = stringsFor(app.getLocale());
      app.setAboutPanelOptions({ applicationName: strings.appName, applicationVersion: app.getVersion() });
      installContentSecurityPolicy(session.defaultSession);
      denyAllPermissions(session.defaultSession, log);
      rebuildMenu([]);
      void recentFiles.list().then(rebuildMenu);
      ready = true;
      supervisor.start();
      createWindow();
      if (fileToOpen !== null) openFile(fileToOpen);
      fileToOpen = null;
    })
    .catch((e: unknown) => {
      log(`could not start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      app.exit(1);
    });
}
