/**
 * The preload: runs sandboxed, before the page, in an isolated world. It exposes the typed API
 * and passes each engine MessagePort that main sends on to the page (a port cannot cross
 * contextBridge, but it can cross `window.postMessage`). Bundled to dist/electron/preload.cjs,
 * which requires nothing but 'electron' (a sandboxed preload can require little else).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { ENGINE_PORT_MESSAGE } from '../common/api.ts';
import { APP_ORIGIN } from '../common/app-origin.ts';
import { ENGINE_PORT } from '../common/channels.ts';
import { createDesktopApi } from './desktop-api.ts';

// The preload's window (the root tsconfig has no DOM library; this is all that is used of it).
declare const window: { postMessage(message: string, targetOrigin: string, transfer?: readonly unknown[]): void };

contextBridge.exposeInMainWorld('rnnStudio', createDesktopApi(ipcRenderer));

// Only main can send on this channel. The port goes to this same window, and only while it
// shows a page of the app's origin.
ipcRenderer.on(ENGINE_PORT, (event) => {
  window.postMessage(ENGINE_PORT_MESSAGE, APP_ORIGIN, event.ports);
});
