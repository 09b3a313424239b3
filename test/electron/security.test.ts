import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_PAGE_URL } from '../../electron/main/app-protocol.ts';
import { DOCUMENTATION_LINKS } from '../../electron/main/external-links.ts';
import { appPaths, RUNTIME_FILES } from '../../electron/main/paths.ts';
import {
  CONTENT_SECURITY_POLICY,
  denyAllPermissions,
  guardWebContents,
  installContentSecurityPolicy,
  isAppPage,
  isTrustedSender,
  secureWebPreferences,
  type GuardedContents,
  type HeadersDetails,
  type NavigationEvent,
} from '../../electron/main/security.ts';
import { settle } from './helpers/fakes.ts';

const appDir = join('/', 'opt', 'RNN Studio', 'resources', 'app.asar');
const appUrl = APP_PAGE_URL;
const builtPage = pathToFileURL(join(appDir, 'dist', 'renderer', 'index.html')).href;

describe('web preferences', () => {
  it('isolate and sandbox the page, without Node, with the preload', () => {
    const prefs = secureWebPreferences('/app/dist/electron/preload.cjs');
    assert.equal(prefs.preload, '/app/dist/electron/preload.cjs');
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.experimentalFeatures, false);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.enableBlinkFeatures, undefined);
  });
});

describe('content security policy', () => {
  it('is renderer/index.html’s <meta> policy plus the header-only frame-ancestors', () => {
    const html = readFileSync(join(import.meta.dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    assert.ok(meta, 'renderer/index.html has a CSP meta tag');
    assert.equal(CONTENT_SECURITY_POLICY, `${meta[1]}; frame-ancestors 'none'`);
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-eval/);
  });

  it('is set on every response, replacing a policy the response brought', () => {
    type Listener = (details: HeadersDetails, callback: (r: { responseHeaders?: Record<string, string[]> }) => void) => void;
    const installed: { listener?: Listener } = {};
    installContentSecurityPolicy({ webRequest: { onHeadersReceived: (l) => (installed.listener = l) } });
    const run = installed.listener;
    assert.ok(run);
    const answers: { responseHeaders?: Record<string, string[]> }[] = [];
    run({ url: appUrl }, (r) => answers.push(r));
    run({ url: appUrl, responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['kept'] } }, (r) => answers.push(r));
    assert.deepEqual(answers[0].responseHeaders, { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    assert.deepEqual(answers[1].responseHeaders, { 'X-Other': ['kept'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});

describe('permissions', () => {
  it('refuses every request and every check', () => {
    const installed: {
      request?: ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | null;
      check?: ((wc: unknown, permission: string) => boolean) | null;
    } = {};
    const logs: string[] = [];
    denyAllPermissions(
      {
        setPermissionRequestHandler: (h) => (installed.request = h),
        setPermissionCheckHandler: (h) => (installed.check = h),
      },
      (m) => logs.push(m),
    );
    const { request, check } = installed;
    assert.ok(request && check);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      const answers: boolean[] = [];
      request({}, permission, (granted) => answers.push(granted));
      assert.deepEqual(answers, [false], permission);
      assert.equal(check({}, permission), false, permission);
    }
    assert.equal(logs.length, 6);
  });
});

describe('the app page and links', () => {
  it('recognises the app page, ignoring query and fragment, and nothing else', () => {
    assert.equal(isAppPage(appUrl, appUrl), true);
    assert.equal(isAppPage(`${appUrl}?token=1#/x`, appUrl), true);
    for (const url of [
      'app://studio/other.html',
      'app://studio/',
      'app://evil/index.html',
      'app://studio.evil.com/index.html',
      'app://user@studio/index.html',
      'app://studio:1234/index.html',
      builtPage,
      pathToFileURL('/etc/passwd').href,
      'https://studio/index.html',
      'https://example.com/dist/renderer/index.html',
      'not a url',
    ]) {
      assert.equal(isAppPage(url, appUrl), false, url);
    }
  });

  it('trusts IPC only from the app page’s top frame', () => {
    assert.equal(isTrustedSender({ url: appUrl, parent: null }, appUrl), true);
    assert.equal(isTrustedSender(null, appUrl), false);
    assert.equal(isTrustedSender({ url: appUrl, parent: {} }, appUrl), false);
    assert.equal(isTrustedSender({ url: 'https://evil.example/', parent: null }, appUrl), false);
    assert.equal(isTrustedSender({ url: builtPage, parent: null }, appUrl), false, 'the built file itself, loaded from file://');
  });

  it('points at the built files inside the app, and templates beside app.asar once packaged', () => {
    const packaged = appPaths({ appPath: appDir, isPackaged: true, resourcesPath: join('/', 'opt', 'RNN Studio', 'resources') });
    assert.equal(packaged.rendererUrl, appUrl);
    assert.equal(packaged.rendererDir, join(appDir, 'dist', 'renderer'));
    assert.equal(packaged.preload, join(appDir, RUNTIME_FILES.preload));
    assert.equal(packaged.engineHost, join(appDir, RUNTIME_FILES.engineHost));
    assert.equal(packaged.templates, join('/', 'opt', 'RNN Studio', 'resources', 'templates'));
    const dev = appPaths({ appPath: '/repo', isPackaged: false, resourcesPath: '/repo/node_modules/electron/dist/resources' });
    assert.equal(dev.templates, join('/repo', 'templates'));
  });
});

/** A WebContents stand-in that keeps the handlers guardWebContents installs. */
function fakeContents() {
  const handlers: { open?: (d: { url: string }) => { action: 'deny' }; navigate?: (e: NavigationEvent) => void; redirect?: (e: NavigationEvent) => void; webview?: (e: { preventDefault(): void }) => void } = {};
  const contents: GuardedContents = {
    setWindowOpenHandler: (h) => (handlers.open = h),
    on: ((event: string, listener: never) => {
      if (event === 'will-navigate') handlers.navigate = listener;
      else if (event === 'will-redirect') handlers.redirect = listener;
      else if (event === 'will-attach-webview') handlers.webview = listener;
      return contents;
    }) as GuardedContents['on'],
  };
  return { contents, handlers };
}

const navigation = (url: string) => {
  const event = { url, prevented: false, preventDefault: () => (event.prevented = true) };
  return event;
};

describe('navigation guard', () => {
  function setup(answer = true) {
    const { contents, handlers } = fakeContents();
    const opened: string[] = [];
    const asked: string[] = [];
    const logs: string[] = [];
    guardWebContents(contents, {
      appUrl,
      openExternal: (url) => (opened.push(url), Promise.resolve()),
      confirmExternal: (url) => (asked.push(url), Promise.resolve(answer)),
      log: (m) => logs.push(m),
    });
    return { handlers, opened, asked, logs };
  }

  it('denies every new window; the documentation opens in the system browser, other http(s) links after a yes, other schemes nowhere', async () => {
    const s = setup();
    assert.deepEqual(s.handlers.open?.({ url: DOCUMENTATION_LINKS[0] }), { action: 'deny' });
    assert.deepEqual(s.handlers.open?.({ url: 'https://github.com/' }), { action: 'deny' });
    assert.deepEqual(s.handlers.open?.({ url: 'file:///etc/passwd' }), { action: 'deny' });
    assert.deepEqual(s.handlers.open?.({ url: 'javascript:alert(1)' }), { action: 'deny' });
    await settle();
    assert.deepEqual(s.asked, ['https://github.com/']);
    assert.deepEqual(s.opened, [DOCUMENTATION_LINKS[0], 'https://github.com/']);
    assert.equal(s.logs.length, 2);
    const declined = setup(false);
    declined.handlers.open?.({ url: 'https://github.com/' });
    await settle();
    assert.deepEqual(declined.asked, ['https://github.com/']);
    assert.deepEqual(declined.opened, []);
  });

  it('keeps the window on the app page', async () => {
    const s = setup();
    const reload = navigation(`${appUrl}#/`);
    s.handlers.navigate?.(reload);
    assert.equal(reload.prevented, false);
    const away = navigation('https://example.com/');
    s.handlers.navigate?.(away);
    assert.equal(away.prevented, true);
    await settle();
    assert.deepEqual(s.asked, ['https://example.com/']);
    assert.deepEqual(s.opened, ['https://example.com/']);
    for (const url of [pathToFileURL('/home/u/evil.html').href, builtPage, 'app://studio/other.html', 'app://evil/index.html']) {
      const local = navigation(url);
      s.handlers.navigate?.(local);
      assert.equal(local.prevented, true, url);
    }
    const redirect = navigation('https://example.com/');
    s.handlers.redirect?.(redirect);
    assert.equal(redirect.prevented, true);
    await settle();
    assert.deepEqual(s.opened, ['https://example.com/'], 'redirects are not followed anywhere');
  });

  it('blocks <webview>', () => {
    const s = setup();
    const event = navigation('');
    s.handlers.webview?.(event);
    assert.equal(event.prevented, true);
  });
});
