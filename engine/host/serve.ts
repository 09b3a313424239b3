/**
 * `rnn-studio serve`: the app in a browser. An HTTP server on 127.0.0.1 serves the built renderer
 * and, at `/engine`, a WebSocket to the engine host, which runs as a supervised child process.
 * The WebSocket needs this launch's token (in the `token` query parameter) and the server's own
 * origin, so neither another user's process nor a web page in the same browser can drive the
 * engine or reach the workspace.
 */
import { spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ExecutorChoice } from '../protocol/executors.ts';
import { type HostEventOf, maxMessageBytes } from '../protocol/messages.ts';
import { createStaticFiles, rendererCsp } from './static-files.ts';
import { HostSupervisor } from './supervisor.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ENGINE_PATH = '/engine';

export interface ServeOptions {
  /** 0: any free port. */
  readonly port: number;
  readonly workspace: string;
  /** The built renderer (default `<package root>/dist/renderer`, or RNN_STUDIO_RENDERER_DIR). */
  readonly rendererDir?: string;
  readonly templatesDir?: string;
  readonly executor?: ExecutorChoice;
  readonly onStatus?: (status: HostEventOf<'host.status'>) => void;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** A mistake the user can fix (a missing build, a port in use), reported in one line. */
export class ServeError extends Error {}

export function defaultRendererDir(): string {
  return process.env.RNN_STUDIO_RENDERER_DIR || join(PACKAGE_ROOT, 'dist', 'renderer');
}

function refuseUpgrade(socket: Duplex, status: number, reason: string, text: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

const sameSecret = (given: string | null, token: string): boolean => {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The largest message a client may send, from the environment; a malformed value is the user's to fix. */
function messageLimit(): number {
  try {
    return maxMessageBytes(process.env);
  } catch (e) {
    throw new ServeError((e as Error).message);
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(e.code === 'EADDRINUSE' ? new ServeError(`port ${port} is in use; choose another with --port (0 picks a free one)`) : e),
    );
    server.listen(port, '127.0.0.1', () => done((server.address() as AddressInfo).port));
  });
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const rendererDir = resolve(o.rendererDir ?? defaultRendererDir());
  if (!existsSync(join(rendererDir, 'index.html'))) throw new ServeError(`the app is not built (no ${join(rendererDir, 'index.html')}): run \`npm run build:renderer\` first`);
  const workspace = resolve(o.workspace);
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) throw new ServeError(`--workspace ${workspace}: no such folder`);
  const maxPayload = messageLimit();

  const token = randomBytes(32).toString('base64url');
  const root = realpathSync(rendererDir);
  const headers = {
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': await rendererCsp(root),
    // The page's URL carries the token: never send it on to another site.
    'Referrer-Policy': 'no-referrer',
  };
  const files = createStaticFiles(root, headers);
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  // A foreign Host header means a page reached this port through its own domain name (DNS rebinding).
  const hostAllowed = (req: IncomingMessage) => allowedHosts().includes(req.headers.host ?? '');

  const server = createServer((req, res) => {
    if (!hostAllowed(req)) {
      res.writeHead(403, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('forbidden host\n');
      return;
    }
    files.handle(req, res).catch((e: unknown) => {
      process.stderr.write(`rnn-studio serve: ${req.url}: ${e instanceof Error ? e.message : String(e)}\n`);
      if (!res.headersSent) res.writeHead(500, headers);
      res.end();
    });
  });

  const supervisor = new HostSupervisor({
    entry: fileURLToPath(new URL('./main.ts', import.meta.url)),
    args: ['--workspace', workspace, '--templates', resolve(o.templatesDir ?? join(PACKAGE_ROOT, 'templates')), ...(o.executor ? ['--executor', o.executor] : [])],
    // Resolved here, so the host starts whatever the current folder is.
    execArgv: ['--import', import.meta.resolve('tsx')],
    onStatus: o.onStatus,
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload });
  sockets.on('connection', (ws: WebSocket) => {
    const connection = supervisor.connect({ send: (m) => ws.send(JSON.stringify(m)) });
    ws.on('message', (data, isBinary) => connection.receive(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString()));
    ws.on('close', () => connection.close());
    ws.on('error', () => connection.close());
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== ENGINE_PATH) return refuseUpgrade(socket, 404, 'Not Found', 'not found\n');
    if (!hostAllowed(req)) return refuseUpgrade(socket, 403, 'Forbidden', 'forbidden host\n');
    if (!sameSecret(url.searchParams.get('token'), token)) return refuseUpgrade(socket, 401, 'Unauthorized', 'a valid token is required\n');
    if (!allowedHosts().some((h) => req.headers.origin === `http://${h}`)) return refuseUpgrade(socket, 403, 'Forbidden', 'forbidden origin\n');
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  port = await listen(server, o.port);
  supervisor.start();

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      for (const ws of sockets.clients) ws.close(1001, 'the server is shutting down');
      await supervisor.stop();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    })());
  return { url: `http://127.0.0.1:${port}/?token=${token}`, port, token, close };
}

/** Opens `url` in the default browser; errors are reported, not thrown (the URL is printed anyway). */
export function openInBrowser(url: string, onError: (message: string) => void): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true });
    child.on('error', (e) => onError(`could not open a browser (${command}: ${e.message}); open the URL above yourself`));
    child.unref();
  } catch (e) {
    onError(`could not open a browser: ${e instanceof Error ? e.message : String(e)}`);
  }
}
