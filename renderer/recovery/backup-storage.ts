/**
 * Where the window's document backups are kept, behind one interface: the engine host's workspace
 * (`backups.*` requests) in a browser, userData through Electron main on the desktop. Neither
 * throws: a failure comes back as a value the recovery dialog and the error toast can show.
 */
import type { EngineClient } from '../../engine/protocol/client.ts';
import type { BackupSummary, Method, ParamsIn, Result } from '../../engine/protocol/messages.ts';
import type { DesktopApi } from '../platform/desktop-api.ts';

export type BackupFailure =
  /** A browser's backups go through the engine host, which is down. */
  | { readonly kind: 'offline' }
  /** The host's or the system's own words. */
  | { readonly kind: 'error'; readonly message: string };

export type BackupAnswer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: BackupFailure };

export interface BackupStorage {
  /** Newest first; damaged backups too, with their problem. */
  list(): Promise<BackupAnswer<readonly BackupSummary[]>>;
  read(id: string): Promise<BackupAnswer<string>>;
  write(id: string, text: string): Promise<BackupAnswer<null>>;
  remove(id: string): Promise<BackupAnswer<null>>;
}

const OFFLINE = { ok: false, failure: { kind: 'offline' } } as const;
const failed = (message: string) => ({ ok: false, failure: { kind: 'error', message } }) as const;

/** The engine host's workspace; `getClient` gives the current connection (null while it is down). */
export function hostBackupStorage(getClient: () => EngineClient | null): BackupStorage {
  const ask = async <M extends Method, T>(method: M, params: ParamsIn<M>, pick: (result: Result<M>) => T): Promise<BackupAnswer<T>> => {
    const client = getClient();
    if (!client) return OFFLINE;
    const r = await client.call(method, params);
    if (r.ok) return { ok: true, value: pick(r.value) };
    return r.error.code === 'host-unavailable' ? OFFLINE : failed(r.error.message);
  };
  return {
    list: () => ask('backups.list', {}, (r) => r.backups),
    read: (id) => ask('backups.read', { id }, (r) => r.text),
    write: (id, text) => ask('backups.write', { id, text }, () => null),
    remove: (id) => ask('backups.remove', { id }, () => null),
  };
}

type DesktopBackups = Pick<DesktopApi, 'listBackups' | 'readBackup' | 'writeBackup' | 'removeBackup'>;

/** userData/backups through Electron main. */
export function desktopBackupStorage(api: DesktopBackups): BackupStorage {
  const answer = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): BackupAnswer<T> => (r.ok ? { ok: true, value: r.value } : failed(r.error.message));
  return {
    list: async () => answer(await api.listBackups()),
    read: async (id) => answer(await api.readBackup(id)),
    write: async (id, text) => answer(await api.writeBackup(id, text)),
    remove: async (id) => answer(await api.removeBackup(id)),
  };
}
