/**
 * Where the app's files are at run time. Everything main loads lives under `dist/` in the app
 * folder (or app.asar once packaged), which electron-builder.json's `files` packs; the templates
 * are copied beside app.asar as `extraResources` so the engine host can read them as plain files.
 */
import { dirname, join } from 'node:path';
import { APP_PAGE_URL } from './app-protocol.ts';

/** Paths relative to the app folder, for the loader here and for the packaging test. */
export const RUNTIME_FILES = {
  main: 'dist/electron/main.cjs',
  rendererIndex: 'dist/renderer/index.html',
  preload: 'dist/electron/preload.cjs',
  engineHost: 'dist/electron/engine-host.cjs',
  /** Written when packaging (scripts/record-native-hashes.mjs): the hashes of the files left outside app.asar. */
  nativeHashes: 'dist/electron/native-hashes.json',
} as const;

export interface AppLocation {
  /** app.getAppPath(): the repository in development, …/resources/app.asar when packaged. */
  readonly appPath: string;
  readonly isPackaged: boolean;
  /** process.resourcesPath */
  readonly resourcesPath: string;
}

export interface AppPaths {
  /** The folder app:// serves. */
  readonly rendererDir: string;
  /** The page's app:// URL: the only page the app shows, and the only sender IPC trusts. */
  readonly rendererUrl: string;
  readonly preload: string;
  readonly engineHost: string;
  readonly templates: string;
}

export function appPaths(location: AppLocation): AppPaths {
  return {
    rendererDir: dirname(join(location.appPath, RUNTIME_FILES.rendererIndex)),
    rendererUrl: APP_PAGE_URL,
    preload: join(location.appPath, RUNTIME_FILES.preload),
    engineHost: join(location.appPath, RUNTIME_FILES.engineHost),
    templates: location.isPackaged ? join(location.resourcesPath, 'templates') : join(location.appPath, 'templates'),
  };
}
