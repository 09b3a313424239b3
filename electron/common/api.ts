/**
 * What the preload gives the page as `window.rnnStudio`: one function per message of the IPC
 * table (ipc.ts), derived from it. The renderer reads this same type (renderer/platform).
 */
import type { ArgsOf, EventName, InvokeName, MessageName, PayloadOf, ReplyOf, SendName } from './ipc.ts';
import { MESSAGE_NAMES } from './ipc.ts';

export {
  FILE_EXTENSIONS,
  MENU_COMMANDS,
  SAVE_FILTERS,
  type BackupEntry,
  type DocumentState,
  type ErrorInfo,
  type MenuCommand,
  type OpenedFile,
  type RecentFile,
  type Result,
  type SaveFilter,
} from './ipc.ts';

/** `window.postMessage` data that carries the engine's MessagePort to the page. */
export const ENGINE_PORT_MESSAGE = 'rnn-studio:engine-port';

/** The page's function for one message: ask and wait, tell, or subscribe (returning the unsubscribe). */
type ApiFunction<K extends MessageName> = K extends InvokeName
  ? (...args: ArgsOf<K>) => Promise<ReplyOf<K>>
  : K extends SendName
    ? (...args: ArgsOf<K>) => void
    : K extends EventName
      ? (listener: (payload: PayloadOf<K>) => void) => () => void
      : never;

export type DesktopApi = { readonly platform: 'electron' } & { readonly [K in MessageName]: ApiFunction<K> };

/** The functions of DesktopApi, one per message. */
export const DESKTOP_API_FUNCTIONS: readonly MessageName[] = MESSAGE_NAMES;
