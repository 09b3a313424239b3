/**
 * What the renderer expects of `window.rnnStudio` when it runs inside Electron: the preload's API,
 * whose type is derived from the IPC table in electron/common. In a plain browser
 * `window.rnnStudio` is undefined.
 *
 * The engine connection does not go through this API: the preload forwards the MessagePort that
 * Electron main hands it to the page with `window.postMessage(ENGINE_PORT_MESSAGE, '*', [port])`,
 * once at start and again after every restart of the engine host.
 */
import type { DesktopApi } from '../../electron/common/api.ts';

export { ENGINE_PORT_MESSAGE, FILE_EXTENSIONS, type DesktopApi, type MenuCommand, type OpenedFile, type RecentFile, type Result } from '../../electron/common/api.ts';

declare global {
  interface Window {
    rnnStudio?: DesktopApi;
  }
}
