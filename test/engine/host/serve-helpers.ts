/**
 * `rnn-studio serve` as a user starts it (a real child process) and clients as a browser would
 * connect: a WebSocket with an Origin header, wrapped in the UI's own EngineClient.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { EngineClient, type Transport } from '../../../engine/protocol/client.ts';
import { HostEvent, type HostEventOf } from '../../../engine/protocol/index.ts';

export interface Served {
  readonly child: ChildProcess;
  readonly port: number;
  readonly token: string;
  readonly url: string;
  readonly origin: string;
  /** stdout lines after the first. */
  readonly lines: string[];
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts serve and resolves with what its first stdout line says. */
export function startServe(args: readonly string[], env: Readonly<Record<string, string>>): Promise<Served & { first: string }> {
  const child = spawn(process.execPath, ['bin/rnn-studio.js', 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    let first: string | null = null;
    rl.on('line', (line) => {
      if (first !== null) {
        lines.push(line);
        return;
      }
      first = line;
      const json = /^\{/.test(line) ? (JSON.parse(line) as { url: string; port: number; token: string }) : null;
      const url = json?.url ?? /^RNN Studio: (\S+)$/.exec(line)?.[1];
      if (!url) return reject(new Error(`unexpected first line: ${line}\n${stderr}`));
      const parsed = new URL(url);
      const port = Number(parsed.port);
      resolve({
        child,
        first: line,
        port,
        token: parsed.searchParams.get('token') ?? '',
        url,
        origin: `http://127.0.0.1:${port}`,
        lines,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
    void exited.then(({ code }) => first === null && reject(new Error(`serve exited (${code}) before listening:\n${stderr}`)));
  });
}

/** A WebSocket to /engine: resolves with the socket once open, or with the HTTP status it was refused with. */
export function openSocket(port: number, query: string, headers: Record<string, string>): Promise<{ ws: WebSocket; status: 101 } | { status: number }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/engine${query}`, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, status: 101 }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (e) => reject(e));
  });
}

export interface TestClient {
  readonly client: EngineClient;
  readonly statuses: HostEventOf<'host.status'>[];
  readonly events: HostEvent[];
  /** Resolves with the first status (from now on, or already seen after `from`) matching. */
  status(state: HostEventOf<'host.status'>['state'], from?: number, timeoutMs?: number): Promise<HostEventOf<'host.status'>>;
  close(): void;
}

/** The UI's EngineClient over a WebSocket; listening starts before the socket opens, so nothing is missed. */
export function connectClient(port: number, token: string, origin: string): TestClient {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/engine?token=${encodeURIComponent(token)}`, { headers: { Origin: origin } });
  const transport: Transport = {
    send: (m) => ws.send(JSON.stringify(m)),
    onMessage: (l) => ws.on('message', (d) => l(String(d))),
    onClose: (l) => ws.on('close', (code) => l(`the socket closed (${code})`)),
    close: () => ws.close(),
  };
  const events: HostEvent[] = [];
  const statuses: HostEventOf<'host.status'>[] = [];
  const client = new EngineClient(transport);
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as { type: string; event?: unknown };
    if (m.type !== 'event') return;
    const e = HostEvent.parse(m.event);
    events.push(e);
    if (e.type === 'host.status') statuses.push(e);
  });
  return {
    client,
    statuses,
    events,
    status(state, from = 0, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          const found = statuses.slice(from).find((s) => s.state === state);
          if (found) return resolve(found);
          if (Date.now() - started > timeoutMs) return reject(new Error(`no host.status '${state}' (seen: ${statuses.map((s) => s.state).join(', ')})`));
          setTimeout(check, 10);
        };
        check();
      });
    },
    close: () => client.close(),
  };
}

/** A raw GET: the path is sent exactly as given (no URL normalisation on the way). */
export function rawGet(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

export function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    assert.equal((e as NodeJS.ErrnoException).code, 'ESRCH');
    return true;
  }
}
