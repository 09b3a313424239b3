import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_PAGE_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, rendererFileOf, serveRenderer } from '../../electron/main/app-protocol.ts';
import { contentTypeOf } from '../../engine/host/static-files.ts';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/security.ts';

let scratch = '';
let renderer = '';
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'rnn-app-protocol-'));
  renderer = join(scratch, 'dist', 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>RNN Studio</title>');
  writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'export {};');
  writeFileSync(join(renderer, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(renderer, 'favicon.svg'), '<svg/>');
  // What a request that got out of the renderer folder would read.
  writeFileSync(join(scratch, 'secret.txt'), 'secret');
  writeFileSync(join(scratch, 'dist', 'secret.txt'), 'secret');
});
after(() => rmSync(scratch, { recursive: true, force: true }));

const logs: string[] = [];
const get = (url: string, method = 'GET') => serveRenderer(renderer, (m) => logs.push(m))({ url, method });

describe('the app:// protocol', () => {
  it('is a privileged standard, secure scheme, and the page is app://studio/index.html', () => {
    assert.equal(APP_SCHEME, 'app');
    assert.equal(APP_SCHEME_PRIVILEGES.scheme, 'app');
    assert.equal(APP_SCHEME_PRIVILEGES.privileges?.standard, true);
    assert.equal(APP_SCHEME_PRIVILEGES.privileges?.secure, true);
    assert.notEqual(APP_SCHEME_PRIVILEGES.privileges?.bypassCSP, true);
    assert.equal(APP_PAGE_URL, 'app://studio/index.html');
  });

  it('serves the built page and its assets with their content types and the CSP', async () => {
    const page = await get(APP_PAGE_URL);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(page.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await page.text(), '<!doctype html><title>RNN Studio</title>');
    const script = await get('app://studio/assets/index-abc.js?v=1#x');
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await script.text(), 'export {};');
    assert.equal((await get('app://studio/assets/index-abc.css')).headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal((await get('app://studio/favicon.svg')).headers.get('content-type'), 'image/svg+xml');
  });

  it('knows the types the build makes, and sends anything else as bytes', () => {
    assert.equal(contentTypeOf('a/b.mjs'), 'text/javascript; charset=utf-8');
    assert.equal(contentTypeOf('a/b.JSON'), 'application/json; charset=utf-8');
    assert.equal(contentTypeOf('a/b.wasm'), 'application/wasm');
    assert.equal(contentTypeOf('a/b.woff2'), 'font/woff2');
    assert.equal(contentTypeOf('a/b.png'), 'image/png');
    assert.equal(contentTypeOf('a/b'), 'application/octet-stream');
    assert.equal(contentTypeOf('a/b.exe'), 'application/octet-stream');
  });

  it('refuses every path that leads out of the renderer folder', async () => {
    const attempts = [
      'app://studio/../secret.txt',
      'app://studio/../../secret.txt',
      'app://studio/%2e%2e/%2e%2e/secret.txt',
      'app://studio/..%2f..%2fsecret.txt',
      'app://studio/assets/..%2f..%2f..%2fsecret.txt',
      'app://studio/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://studio/..%5c..%5csecret.txt',
      'app://studio/%2fetc%2fpasswd',
      `app://studio/${encodeURIComponent(join(scratch, 'secret.txt'))}`,
      'app://studio/index.html%00.js',
    ];
    for (const url of attempts) {
      const answer = await get(url);
      assert.ok(answer.status === 403 || answer.status === 404, `${url}: ${answer.status}`);
      assert.notEqual(await answer.text(), 'secret', url);
    }
    for (const url of ['app://studio/..%2f..%2fsecret.txt', 'app://studio/%2fetc%2fpasswd', 'app://studio/index.html%00.js', 'app://studio/C:%5cWindows%5cwin.ini']) {
      assert.equal(rendererFileOf(url, renderer), null, url);
    }
    // Windows opens a device, not a file, for these names in any folder (reading CON waits for the console).
    for (const url of ['app://studio/CON', 'app://studio/assets/nul.js', 'app://studio/com1', 'app://studio/LPT9.txt', 'app://studio/aux']) {
      assert.equal(rendererFileOf(url, renderer), null, url);
    }
  });

  it('maps the app origin’s paths into the renderer folder, and nothing else', () => {
    assert.equal(rendererFileOf(APP_PAGE_URL, renderer), join(renderer, 'index.html'));
    assert.equal(rendererFileOf('app://studio/assets/index-abc.js', renderer), join(renderer, 'assets', 'index-abc.js'));
    for (const url of ['app://evil/index.html', 'app://studio.evil/index.html', 'app://user@studio/index.html', 'app://studio:8080/index.html', 'file:///etc/passwd', 'https://studio/index.html', 'app://studio/', 'not a url']) {
      assert.equal(rendererFileOf(url, renderer), null, url);
    }
  });

  it('answers 404 for a missing file or a folder, 403 for another host, 405 for anything but GET and HEAD', async () => {
    assert.equal((await get('app://studio/missing.js')).status, 404);
    assert.equal((await get('app://studio/assets')).status, 404);
    assert.equal((await get('app://studio/')).status, 404);
    assert.equal((await get('app://evil/index.html')).status, 403);
    assert.equal((await get(APP_PAGE_URL, 'POST')).status, 405);
    const head = await get(APP_PAGE_URL, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });
});
