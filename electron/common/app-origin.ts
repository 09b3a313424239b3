/**
 * Where the app's page lives: main serves dist/renderer under this origin (main/app-protocol.ts)
 * and the preload hands the engine port only to a page of it.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
