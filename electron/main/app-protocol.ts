/**
 * The page is served from `app://studio/`, a standard secure scheme of its own, instead of
 * file://: the page gets a real origin (so 'self' in the CSP means the app and nothing else on
 * disk), and only files under dist/renderer can ever be answered.
 */
import type { CustomScheme } from 'electron';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { contentTypeOf } from '../../engine/host/static-files.ts';
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from '../common/app-origin.ts';
import { CONTENT_SECURITY_POLICY } from './security.ts';

export { APP_SCHEME };
/** The one page the app shows, and the only sender IPC trusts. */
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

/**
 * Registered before the app is ready. `standard` gives the scheme origins and relative URLs,
 * `secure` makes the page a secure context (as https would), `supportFetchAPI` lets the page fetch
 * its own files, `codeCache` keeps V8's cache for its scripts. No `bypassCSP`: the policy holds here too.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};



/** Names Windows takes for a device in any folder (CON, NUL.js, COM1 …); the build makes none. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

function isAppOrigin(url: URL): boolean {
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
}

/**
 * The file under `rendererDir` that an app:// URL names, or null when the URL is not the app's
 * origin or its path could lead elsewhere. The parser has resolved plain and %2e dot segments;
 * what is left is refused segment by segment (an encoded separator, a dot segment, a NUL, a drive
 * or stream colon, a Windows device name), and the joined path is checked once more to lie inside the folder.
 */
export function rendererFileOf(url: string, rendererDir: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!isAppOrigin(parsed)) return null;
  const segments: string[] = [];
  for (const raw of parsed.pathname.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\:\0]/.test(segment) || WINDOWS_DEVICE.test(segment)) return null;
    segments.push(segment);
  }
  if (segments.length === 0) return null;
  const file = join(rendererDir, ...segments);
  const inside = relative(rendererDir, file);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? null : file;
}

const answer = (status: number, headers: Record<string, string> = {}, body: Buffer | null = null) =>
  new Response(body, { status, headers: { 'X-Content-Type-Options': 'nosniff', ...headers } });

/**
 * protocol.handle's handler for app://: files of `rendererDir` with their content type and the
 * Content-Security-Policy, set here rather than left to session.webRequest, which is not
 * documented to see the responses of custom schemes.
 */
export function serveRenderer(rendererDir: string, log: (message: string) => void): (request: { readonly url: string; readonly method: string }) => Promise<Response> {
  return async ({ url, method }) => {
    if (method !== 'GET' && method !== 'HEAD') return answer(405, { Allow: 'GET, HEAD' });
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      // Answered as another origin below.
    }
    if (parsed === null || !isAppOrigin(parsed)) {
      log(`refused a request for ${url}`);
      return answer(403);
    }
    const file = rendererFileOf(url, rendererDir);
    if (file === null) {
      log(`refused a request for ${url}: its path leads out of the page's folder`);
      return answer(404);
    }
    try {
      const bytes = await readFile(file);
      return answer(200, { 'Content-Type': contentTypeOf(file), 'Content-Security-Policy': CONTENT_SECURITY_POLICY }, method === 'HEAD' ? null : bytes);
    } catch {
      // Missing, a folder, unreadable: the page asked for something the build did not make.
      return answer(404);
    }
  };
}
