/**
 * What the top bar and the banner say about the engine, from the connection's snapshot. The
 * banner appears when the host crashed or restarts (or the connection to it was lost) and turns
 * into a short confirmation once it is ready again.
 */
import type { HostState } from '../../engine/protocol/messages.ts';
import type { ConnectionState } from '../connection/connection.ts';

export type StatusShown = HostState | 'disconnected' | 'connecting';

export interface EngineView {
  readonly host: { readonly state: HostState; readonly message: string | null };
  readonly connection: ConnectionState;
}

const DOWN: ReadonlySet<HostState> = new Set(['crashed', 'restarting']);

export function statusShown(v: EngineView): StatusShown {
  if (DOWN.has(v.host.state)) return v.host.state;
  if (v.connection === 'connecting') return 'connecting';
  if (v.connection === 'closed') return 'disconnected';
  return v.host.state;
}

export type Banner = { readonly kind: 'down'; readonly reason: string | null } | { readonly kind: 'lost' } | { readonly kind: 'back' } | null;

/** How long the "running again" confirmation stays. */
export const BACK_BANNER_MS = 4000;

/**
 * The banner after a change. `everConnected`: the app had a connection before (a page that never
 * reached a server shows "disconnected" in the top bar, not a banner).
 */
export function nextBanner(current: Banner, v: EngineView, everConnected: boolean): Banner {
  if (DOWN.has(v.host.state)) {
    const previous = current?.kind === 'down' ? current.reason : null;
    return { kind: 'down', reason: v.host.message ?? previous };
  }
  if (v.connection !== 'open') return everConnected ? (current?.kind === 'down' ? current : { kind: 'lost' }) : current;
  if (v.host.state === 'ready' && (current?.kind === 'down' || current?.kind === 'lost')) return { kind: 'back' };
  return current;
}

/**
 * Why a page served by `rnn-studio serve` has never reached the engine, when the address is the
 * likely cause: the server refuses a WebSocket without this launch's token, and a browser does
 * not say why a WebSocket failed. 'token-missing': the address has no `?token=`; 'token-refused':
 * it has one, which may be an earlier launch's (or the server stopped). Null once connected, and
 * for a page not served over http(s) (inside the desktop app).
 */
export type ConnectionHelp = 'token-missing' | 'token-refused' | null;

export function connectionHelp(v: EngineView, everConnected: boolean, page: { readonly protocol: string; readonly search: string }): ConnectionHelp {
  if (everConnected || v.connection === 'open' || (page.protocol !== 'http:' && page.protocol !== 'https:')) return null;
  // The first attempt is still under way: nothing to say yet.
  if (v.connection === 'connecting') return null;
  return new URLSearchParams(page.search).get('token') ? 'token-refused' : 'token-missing';
}
