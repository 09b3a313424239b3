/**
 * The host's connections: requests parsed and answered to the connection that asked, events
 * broadcast to every connection, and `host.status` ready sent to each new one. Transport-free;
 * main.ts adapts MessagePorts and Node IPC to `Peer`.
 */
import { parseClientMessage } from '../protocol/index.ts';
import { type HostEvent, type HostMessage, PROTOCOL_VERSION } from '../protocol/messages.ts';
import type { EngineService } from './service.ts';

export interface Peer {
  /** May throw when the other end is gone; the peer is then dropped. */
  post(message: HostMessage): void;
}

export interface AttachOptions {
  /** false: the peer only gets replies and the ready status, not the event stream (Electron's parent port). */
  readonly events?: boolean;
}

export class HostConnections {
  private readonly peers = new Map<Peer, { events: boolean }>();
  private service: EngineService | null = null;

  /** Separate from the constructor because the service needs `broadcast` to be created. */
  serve(service: EngineService): void {
    this.service = service;
  }

  readonly broadcast = (event: HostEvent): void => {
    for (const [peer, o] of this.peers) if (o.events) this.post(peer, { type: 'event', event });
  };

  /** Registers `peer` and says the host is ready; returns what to call with each raw message it sends. */
  attach(peer: Peer, options: AttachOptions = {}): (raw: unknown) => void {
    this.peers.set(peer, { events: options.events ?? true });
    this.post(peer, { type: 'event', event: { type: 'host.status', state: 'ready', pid: process.pid, protocol: PROTOCOL_VERSION, message: null } });
    return (raw) => this.receive(peer, raw);
  }

  detach(peer: Peer): void {
    this.peers.delete(peer);
  }

  get size(): number {
    return this.peers.size;
  }

  private receive(peer: Peer, raw: unknown): void {
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) {
      if (parsed.id !== undefined) this.post(peer, { type: 'reply', id: parsed.id, ok: false, error: parsed.error });
      else process.stderr.write(`engine host: a message without a readable id was dropped: ${parsed.error.message}\n`);
      return;
    }
    const service = this.service;
    if (!service) {
      this.post(peer, { type: 'reply', id: parsed.value.id, ok: false, error: { code: 'host-unavailable', message: 'the engine host is still starting' } });
      return;
    }
    void service.handle(parsed.value).then((reply) => {
      // A peer that went away while its request ran gets nothing.
      if (this.peers.has(peer)) this.post(peer, reply);
    });
  }

  private post(peer: Peer, message: HostMessage): void {
    try {
      peer.post(message);
    } catch (e) {
      this.peers.delete(peer);
      process.stderr.write(`engine host: a connection closed: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
}
