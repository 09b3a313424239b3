/// <reference types="vite/client" />
/**
 * ELK for the app: its layout runs in a Web Worker (elkjs's own worker script, shipped as a file
 * next to the bundle), so laying out a large graph never blocks typing or dragging.
 */
import ELK from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { ElkLike } from './layered.ts';

let elk: ElkLike | null = null;

/** One worker for the app, started on first use. */
export function appElk(): ElkLike {
  elk ??= new ELK({ workerUrl: elkWorkerUrl, workerFactory: (url) => new Worker(url ?? elkWorkerUrl) });
  return elk;
}
