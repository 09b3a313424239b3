/**
 * `EngineProvider` keeps one connection to the engine host for the app; `useEngine()` gives the
 * current client (null while disconnected, replaced after every reconnect or host restart) and
 * the host's state.
 */
import { createContext, type ReactNode, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { EngineClient } from '../../engine/protocol/client.ts';
import { BrowserEngineConnection, type ConnectionState, DesktopEngineConnection, type EngineConnection, type HostInfo } from './connection.ts';
import { type EnginePortSource, listenForEnginePorts } from './message-port-transport.ts';
import { engineSocketUrl } from './websocket-transport.ts';

export interface EngineContextValue {
  readonly client: EngineClient | null;
  readonly host: HostInfo;
  readonly connection: ConnectionState;
}

const EngineContext = createContext<EngineConnection | null>(null);

/** A connection that never opens: a page opened from a file, with no server to talk to. */
class NoConnection implements EngineConnection {
  private readonly snapshot = { client: null, host: { state: 'stopped' as const, pid: null, message: null }, connection: 'closed' as const };
  subscribe = () => () => {};
  getSnapshot = () => this.snapshot;
  start(): void {}
  stop(): void {}
}

/** The connection for where the app runs: Electron (MessagePort) or a browser (WebSocket). */
export function createEngineConnection(ports?: EnginePortSource): EngineConnection {
  const desktop = window.rnnStudio;
  if (desktop) return new DesktopEngineConnection(desktop, ports ?? listenForEnginePorts(window));
  const url = engineSocketUrl(window.location);
  return url ? new BrowserEngineConnection(url) : new NoConnection();
}

export interface EngineProviderProps {
  readonly children: ReactNode;
  /** A ready-made connection (tests, or a port source set up before React rendered). */
  readonly connection?: EngineConnection;
  readonly ports?: EnginePortSource;
}

export function EngineProvider({ children, connection: given, ports }: EngineProviderProps) {
  const [connection] = useState(() => given ?? createEngineConnection(ports));
  useEffect(() => {
    connection.start();
    return () => connection.stop();
  }, [connection]);
  return <EngineContext.Provider value={connection}>{children}</EngineContext.Provider>;
}

export function useEngine(): EngineContextValue {
  const connection = useContext(EngineContext);
  if (!connection) throw new Error('useEngine: no <EngineProvider> above this component');
  return useSyncExternalStore(connection.subscribe.bind(connection), () => connection.getSnapshot());
}
