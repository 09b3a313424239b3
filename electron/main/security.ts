/**
 * The window's security settings, after Electron's security checklist: an isolated, sandboxed
 * renderer without Node; one page (app://studio/index.html) that may not navigate away, open
 * windows or embed webviews; a strict Content-Security-Policy header; every permission request
 * refused; and IPC answered only for the app's own top-level page.
 */
import type { WebPreferences } from 'electron';
import { openExternalLink } from './external-links.ts';

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

/**
 * Whether `url` is the app's own page (app://studio/index.html; query and fragment aside): same
 * scheme, host and path, and no user name or port that could make another origin look alike.
 */
export function isAppPage(url: string, appUrl: string): boolean {
  try {
    const page = new URL(url);
    const app = new URL(appUrl);
    return page.protocol === app.protocol && page.username === '' && page.password === '' && page.host === app.host && page.pathname === app.pathname;
  } catch {
    return false;
  }
}

export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/** Only the app's own page, in the top frame, may use IPC. */
export function isTrustedSender(senderFrame: SenderFrame | null, appUrl: string): boolean {
  return senderFrame !== null && senderFrame.parent === null && isAppPage(senderFrame.url, appUrl);
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
  /** shell.openExternal; called only with http(s) URLs that are the documentation or that the user confirmed. */
  readonly openExternal: (url: string) => Promise<void>;
  /** Asks the user whether to open a link that is not the documentation (external-links.ts). */
  readonly confirmExternal: (url: string) => Promise<boolean>;
  readonly log: (message: string) => void;
}

/**
 * No new windows (a link opens in the system browser instead, by the rules of external-links.ts),
 * no navigation or redirect away from the app's page (a followed link goes the same way), no <webview>.
 */
export function guardWebContents(contents: GuardedContents, options: GuardOptions): void {
  const openOutside = (url: string, why: string) => {
    void openExternalLink(url, why, { openExternal: options.openExternal, confirm: options.confirmExternal, log: options.log });
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
