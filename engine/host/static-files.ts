/**
 * Serving the built renderer to a browser: files under one folder only, with their content
 * types, the renderer's Content-Security-Policy as a header, and no way out of the folder.
 */
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** The Content-Type a built renderer file is served with (the Electron app:// protocol serves the same files). */
export const contentTypeOf = (file: string): string => CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';

/** The policy renderer/index.html declares in its meta tag, for when the built page has none. */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; form-action 'none'";

/** Directives a browser honours only from a response header, never from a <meta> tag. */
export const HEADER_ONLY_CSP = "frame-ancestors 'none'";

/** The Content-Security-Policy of an HTML page's meta tag, or null. */
export function cspOfHtml(html: string): string | null {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/http-equiv\s*=\s*["']content-security-policy["']/i.test(tag)) continue;
    const content = /content\s*=\s*"([^"]*)"|content\s*=\s*'([^']*)'/i.exec(tag);
    if (content) return (content[1] ?? content[2]).replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  }
  return null;
}

/** The CSP to send with every response: the built page's own plus the header-only directives. */
export async function rendererCsp(root: string): Promise<string> {
  const html = await readFile(join(root, 'index.html'), 'utf8').catch(() => '');
  return `${cspOfHtml(html) ?? RENDERER_CSP}; ${HEADER_ONLY_CSP}`;
}

export interface StaticFiles {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

function sendText(res: ServerResponse, status: number, text: string, headers: Readonly<Record<string, string>>): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** `root` must be a real (symlink-free) absolute path. */
export function createStaticFiles(root: string, headers: Readonly<Record<string, string>>): StaticFiles {
  const inside = (path: string) => path === root || path.startsWith(root + sep);

  /** The file a URL path names, or null when it is not one we serve. */
  async function resolveFile(urlPath: string): Promise<string | null> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return null;
    }
    const segments = decoded.split('/');
    if (segments.some((s) => s === '..' || s === '.' || s.includes('\\') || s.includes('\0'))) return null;
    const relative = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
    const candidate = join(root, ...relative.split('/').filter(Boolean));
    if (!inside(candidate)) return null;
    // A symbolic link inside the folder must not lead outside it.
    const real = await realpath(candidate).catch(() => null);
    if (real === null || !inside(real)) return null;
    const info = await stat(real).catch(() => null);
    return info?.isFile() ? real : null;
  }

  return {
    async handle(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendText(res, 405, 'method not allowed\n', { ...headers, Allow: 'GET, HEAD' });
        return;
      }
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const file = await resolveFile(path);
      if (file === null) {
        sendText(res, 404, 'not found\n', headers);
        return;
      }
      const info = await stat(file);
      res.writeHead(200, {
        ...headers,
        'Content-Type': contentTypeOf(file),
        'Content-Length': info.size,
        'Cache-Control': 'no-cache',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    },
  };
}
