/**
 * The window's security settings, after Electron's security checklist: an isolated, sandboxed
 * renderer without Node; one page (the app's own index.html) that may not navigate away, open
 * windows or embed webviews; a strict Content-Security-Policy header; every permission request
 * refused; and IPC answered only for the app's own top-level page.
 */
import type { WebPreferences } from 'electron';
import { fileURLToPath } from 'node:url';

/**
 * The policy of the <meta> in renderer/index.html (a test keeps them equal), plus
 * `frame-ancestors`, which browsers honour only from a header.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    // Chromium's spellchecker downloads dictionaries from Google; the app has little prose.
    spellcheck: false,
  };
}

function filePathOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'file:' ? fileURLToPath(parsed) : null;
  } catch {
    return null;
  }
}

/** Whether `url` is the app's own page (query and fragment aside). */
export function isAppPage(url: string, appUrl: string, platform: NodeJS.Platform = process.platform): boolean {
  const path = filePathOf(url);
  const app = filePathOf(appUrl);
  if (path === null || app === null) return false;
  return platform === 'win32' || platform === 'darwin' ? path.toLowerCase() === app.toLowerCase() : path === app;
}

/** An http(s) URL to show in the system browser, or null for anything else (file:, javascript:, custom schemes …). */
export function externalLink(url: string): string | null {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '' ? parsed.href : null;
  } catch {
    return null;
  }
}

export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/** Only the app's own page, in the top frame, may use IPC. */
export function isTrustedSender(senderFrame: SenderFrame | null, appUrl: string, platform: NodeJS.Platform = process.platform): boolean {
  return senderFrame !== null && senderFrame.parent === null && isAppPage(senderFrame.url, appUrl, platform);
}

export interface HeadersDetails {
  readonly url: string;
  readonly responseHeaders?: Record<string, string[]>;
}

export interface HeadersSession {
  readonly webRequest: {
    onHeadersReceived(listener: (details: HeadersDetails, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void): void;
  };
}

/** Sets the policy on every response, replacing any the response brought along. */
export function installContentSecurityPolicy(session: HeadersSession, policy: string = CONTENT_SECURITY_POLICY): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'));
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [policy] } });
  });
}

export interface PermissionSession {
  setPermissionRequestHandler(handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null): void;
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string) => boolean) | null): void;
}

/** The app needs no camera, notifications, clipboard reads, geolocation …: every request is refused. */
export function denyAllPermissions(session: PermissionSession, log: (message: string) => void): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`refused the page's request for the '${permission}' permission`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}

export interface NavigationEvent {
  readonly url: string;
  preventDefault(): void;
}

/** What guardWebContents uses of a WebContents. */
export interface GuardedContents {
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
}

export interface GuardOptions {
  readonly appUrl: string;
  /** shell.openExternal; called only with http(s) URLs. */
  readonly openExternal: (url: string) => Promise<void>;
  readonly log: (message: string) => void;
}

/**
 * No new windows (an http(s) link opens in the system browser instead), no navigation or redirect
 * away from the app's page (a followed http(s) link goes to the browser too), no <webview>.
 */
export function guardWebContents(contents: GuardedContents, options: GuardOptions): void {
  const openOutside = (url: string, why: string) => {
    const link = externalLink(url);
    if (link === null) {
      options.log(`blocked ${why} to ${url}`);
      return;
    }
    options.openExternal(link).catch((e: unknown) => options.log(`could not open ${link} in the browser: ${e instanceof Error ? e.message : String(e)}`));
  };
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url, 'a new window');
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (isAppPage(event.url, options.appUrl)) return;
    event.preventDefault();
    openOutside(event.url, 'navigation');
  });
  contents.on('will-redirect', (event) => {
    if (isAppPage(event.url, options.appUrl)) return;
    event.preventDefault();
    options.log(`blocked a redirect to ${event.url}`);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    options.log('blocked a <webview>');
  });
}
