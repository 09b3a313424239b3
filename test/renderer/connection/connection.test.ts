/**
 * The engine connection against a real WebSocket server speaking the protocol: the host's status
 * is followed across a crash and restart on the same socket, requests are answered, and a dropped
 * socket is opened again. In Electron's shape: ports over a MessageChannel, status from main.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { MessageChannel } from 'node:worker_threads';
import { WebSocket, WebSocketServer } from 'ws';
import { type HostState, PROTOCOL_VERSION } from '../../../engine/protocol/messages.ts';
import { BrowserEngineConnection, DesktopEngineConnection, type EngineSnapshot, reconnectDelay } from '../../../renderer/connection/connection.ts';
import type { EnginePortSource, PortLike } from '../../../renderer/connection/message-port-transport.ts';
import { engineSocketUrl, type WebSocketLike } from '../../../renderer/connection/websocket-transport.ts';

const createSocket = (url: string) => new WebSocket(url) as unknown as WebSocketLike;
const status = (state: string, pid: number | null = 42, message: string | null = null) =>
  JSON.stringify({ type: 'event', event: { type: 'host.status', state, pid, protocol: 1, message } });

/** Resolves when `predicate` holds for the connection's snapshot (checked on every change). */
function until(connection: { subscribe(l: () => void): () => void; getSnapshot(): EngineSnapshot }, predicate: (s: EngineSnapshot) => boolean, what: string): Promise<EngineSnapshot> {
  return new Promise((resolve, reject) => {
    if (predicate(connection.getSnapshot())) return resolve(connection.getSnapshot());
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 3000);
    const stop = connection.subscribe(() => {
      if (!predicate(connection.getSnapshot())) return;
      clearTimeout(timer);
      stop();
      resolve(connection.getSnapshot());
    });
  });
}

/** A protocol server: greets with 'ready', answers graph.validate with one diagnostic. */
function fakeServer(port = 0): Promise<WebSocketServer> {
  return new Promise((resolve) => {
    const server: WebSocketServer = new WebSocketServer({ port, host: '127.0.0.1' }, () => resolve(server));
    server.on('connection', (socket, request) => {
      assert.match(request.url ?? '', /^\/engine\?token=secret$/);
      socket.send(status('ready'));
      socket.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { id: number; method: string };
        if (msg.method === 'graph.validate')
          socket.send(JSON.stringify({ type: 'reply', id: msg.id, ok: true, result: { diagnostics: [{ severity: 'warning', code: 'unused-block', message: 'm' }] } }));
      });
    });
  });
}

const cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const closeServer = (server: WebSocketServer) =>
  new Promise<void>((resolve) => {
    for (const c of server.clients) c.terminate();
    server.close(() => resolve());
  });

describe('engine socket url', () => {
  it('is the page\'s own host with its token, and none for a page from a file', () => {
    assert.equal(engineSocketUrl({ protocol: 'http:', host: '127.0.0.1:5173', search: '?token=a%2Bb&x=1' }), 'ws://127.0.0.1:5173/engine?token=a%2Bb');
    assert.equal(engineSocketUrl({ protocol: 'https:', host: 'h', search: '' }), 'wss://h/engine?token=');
    assert.equal(engineSocketUrl({ protocol: 'file:', host: '', search: '' }), null);
  });

  it('reconnect pauses grow and stop growing at 10 s', () => {
    assert.deepEqual([0, 1, 2, 3, 10].map(reconnectDelay), [500, 1000, 2000, 4000, 10_000]);
  });
});

describe('browser connection (WebSocket)', () => {
  it('follows the host through a crash and restart on the same socket; requests work', async () => {
    const server = await fakeServer();
    cleanup.push(() => closeServer(server));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/engine?token=secret`;
    const connection = new BrowserEngineConnection(url, { createSocket, delay: () => 20 });
    cleanup.push(() => connection.stop());
    connection.start();

    const ready = await until(connection, (s) => s.host.state === 'ready', 'ready');
    assert.equal(ready.connection, 'open');
    assert.equal(ready.host.pid, 42);
    const client = ready.client;
    assert.ok(client);
    const reply = await client.call('graph.validate', { graph: {} });
    assert.deepEqual(reply.ok && reply.value.diagnostics.map((d) => d.code), ['unused-block']);

    const [socket] = server.clients;
    socket.send(status('crashed', null, 'out of memory'));
    const crashed = await until(connection, (s) => s.host.state === 'crashed', 'crashed');
    assert.equal(crashed.host.message, 'out of memory');
    assert.equal(crashed.client, client, 'the socket stays open across host restarts');
    socket.send(status('restarting', null));
    socket.send(status('ready', 43));
    const back = await until(connection, (s) => s.host.state === 'ready' && s.host.pid === 43, 'ready again');
    assert.equal(back.client, client);
  });

  it('opens the socket again after it drops, with a new client', async () => {
    const server = await fakeServer();
    const port = (server.address() as AddressInfo).port;
    const url = `ws://127.0.0.1:${port}/engine?token=secret`;
    const connection = new BrowserEngineConnection(url, { createSocket, delay: () => 30 });
    cleanup.push(() => connection.stop());
    connection.start();
    const first = await until(connection, (s) => s.host.state === 'ready', 'first ready');

    await closeServer(server);
    const dropped = await until(connection, (s) => s.connection === 'closed', 'drop');
    assert.equal(dropped.client, null);
    assert.equal(first.client?.closed, true, 'the old client fails its calls from now on');

    const again = await fakeServer(port);
    cleanup.push(() => closeServer(again));
    const reconnected = await until(connection, (s) => s.connection === 'open' && s.host.state === 'ready', 'reconnect');
    assert.ok(reconnected.client);
    assert.notEqual(reconnected.client, first.client);
  });

  it('keeps trying while nothing listens, and reports the host stopped', async () => {
    let attempts = 0;
    const connection = new BrowserEngineConnection('ws://127.0.0.1:1/engine?token=x', {
      createSocket,
      delay: () => {
        attempts++;
        return 10;
      },
    });
    cleanup.push(() => connection.stop());
    connection.start();
    await until(connection, () => attempts >= 3, 'three attempts');
    const s = connection.getSnapshot();
    assert.deepEqual([s.connection, s.client, s.host.state], ['closed', null, 'stopped']);
  });
});

describe('desktop connection (MessagePort)', () => {
  function fakeDesktop() {
    let statusListener: ((payload: unknown) => void) | null = null;
    let portListener: ((port: MessagePort) => void) | null = null;
    const api = {
      onHostStatus(l: NonNullable<typeof statusListener>) {
        statusListener = l;
        return () => (statusListener = null);
      },
    };
    const ports: EnginePortSource = {
      onPort(l) {
        portListener = l;
        return () => (portListener = null);
      },
    };
    return {
      api,
      ports,
      status: (state: HostState, pid: number | null, message: string | null = null) => statusListener?.({ type: 'host.status', state, pid, protocol: PROTOCOL_VERSION, message }),
      /** What main sends, unread by the preload. */
      raw: (payload: unknown) => statusListener?.(payload),
      /** A new host behind a new channel: returns the host's end. */
      newHost() {
        const channel = new MessageChannel();
        const host = channel.port2;
        host.on('message', (msg: { id: number; method: string }) => {
          if (msg.method === 'templates.list') host.postMessage({ type: 'reply', id: msg.id, ok: true, result: { templates: [] } });
        });
        cleanup.push(() => host.close());
        portListener?.(channel.port1 as unknown as MessagePort & PortLike);
        return host;
      },
    };
  }

  it('uses each new port, and a crash makes the old client fail at once', async () => {
    const desktop = fakeDesktop();
    const connection = new DesktopEngineConnection(desktop.api, desktop.ports);
    cleanup.push(() => connection.stop());
    connection.start();
    desktop.status('starting', null);
    desktop.newHost();
    desktop.status('ready', 7);
    const ready = connection.getSnapshot();
    assert.deepEqual([ready.connection, ready.host.state, ready.host.pid], ['open', 'ready', 7]);
    const reply = await ready.client!.call('templates.list', {});
    assert.equal(reply.ok, true);

    const pending = ready.client!.call('templates.list', {}, { timeoutMs: 0 });
    desktop.status('crashed', null, 'exit code 134');
    const crashed = connection.getSnapshot();
    assert.deepEqual([crashed.client, crashed.connection, crashed.host.state, crashed.host.message], [null, 'closed', 'crashed', 'exit code 134']);
    const failed = await pending;
    assert.equal(!failed.ok && failed.error.code, 'host-unavailable');

    desktop.status('restarting', null);
    desktop.newHost();
    desktop.status('ready', 8);
    const back = connection.getSnapshot();
    assert.ok(back.client && back.client !== ready.client);
    assert.equal((await back.client.call('templates.list', {})).ok, true);
  });

  it('stopping and starting again (React remounting the provider) keeps the port it has', async () => {
    const desktop = fakeDesktop();
    const connection = new DesktopEngineConnection(desktop.api, desktop.ports);
    cleanup.push(() => connection.stop());
    connection.start();
    desktop.newHost();
    desktop.status('ready', 9);
    const client = connection.getSnapshot().client;
    connection.stop();
    connection.start();
    assert.equal(connection.getSnapshot().client, client);
    assert.equal((await client!.call('templates.list', {})).ok, true);
    desktop.status('crashed', null, 'gone');
    assert.equal(connection.getSnapshot().client, null, 'status reports are followed again after the restart');
  });

  it('follows only what parses as the engine’s host.status event', () => {
    const desktop = fakeDesktop();
    const connection = new DesktopEngineConnection(desktop.api, desktop.ports);
    cleanup.push(() => connection.stop());
    connection.start();
    desktop.status('ready', 12);
    for (const bad of [
      { type: 'host.status', state: 'exploded', pid: 1, protocol: PROTOCOL_VERSION, message: null },
      { type: 'host.status', state: 'crashed', pid: '12', protocol: PROTOCOL_VERSION, message: null },
      { type: 'host.status', state: 'crashed', pid: null, protocol: PROTOCOL_VERSION, message: null, extra: 'x' },
      { state: 'crashed', pid: null, message: null },
      'crashed',
      null,
    ])
      desktop.raw(bad);
    assert.deepEqual(connection.getSnapshot().host, { state: 'ready', pid: 12, message: null });
  });
});
