/**
 * File names the app suggests and accepts. Suggestions come from the graph's name and must be
 * valid on Windows, macOS and Linux alike, since a graph saved on one is opened on another.
 */
import { FILE_EXTENSIONS } from '../platform/desktop-api.ts';

/** The same in the browser's workspace as on the desktop. */
export const GRAPH_EXTENSION = `.${FILE_EXTENSIONS.graph}`;
const FALLBACK_STEM = 'untitled';
/** Room for the extension and a "(2)" a dialog may add, inside the usual 255-byte limit. */
const MAX_STEM = 80;
const MAX_NAME = 255;

// Characters Windows forbids in names, plus the path separators every system forbids.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f]/;
// Device names Windows reserves whatever the extension (`con.rnn.json` cannot be created).
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * A file name for a graph called `graphName`: lower case, words joined by '-', letters of any
 * script kept (a Chinese name stays Chinese), ending in `.rnn.json`.
 * `"Sine forecasting (Elman)"` → `"sine-forecasting-elman.rnn.json"`.
 */
export function suggestedFileName(graphName: string): string {
  let stem = graphName
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_.]+/gu, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '');
  stem = [...stem].slice(0, MAX_STEM).join('').replace(/[-.]+$/, '');
  if (stem.endsWith('.rnn')) stem = stem.slice(0, -'.rnn'.length);
  if (stem === '') stem = FALLBACK_STEM;
  if (RESERVED.test(stem)) stem = `${stem}-graph`;
  return `${stem}${GRAPH_EXTENSION}`;
}

/** The last part of a path, with either separator (a Windows path read on any system). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

export type FileNameProblem = 'empty' | 'separator' | 'invalid' | 'dots' | 'hidden' | 'too-long';

/**
 * What is wrong with a name the user typed for the workspace, or null when it is fine. The same
 * rules as the host's workspace (engine/host/workspace.ts), so the dialog says it before the
 * host refuses.
 */
export function fileNameProblem(name: string): FileNameProblem | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'empty';
  if (/[\\/]/.test(trimmed)) return 'separator';
  if (FORBIDDEN.test(trimmed)) return 'invalid';
  const written = withGraphExtension(trimmed);
  if (written.includes('..')) return 'dots';
  if (trimmed.startsWith('.')) return 'hidden';
  if (new TextEncoder().encode(written).length > MAX_NAME) return 'too-long';
  return null;
}

/**
 * The name as it is written: trimmed, and given `.rnn.json` unless the user chose a JSON
 * extension themselves (`notes` → `notes.rnn.json`, `notes.json` stays).
 */
export function withGraphExtension(name: string): string {
  const trimmed = name.trim();
  return /\.json$/i.test(trimmed) ? trimmed : `${trimmed}${GRAPH_EXTENSION}`;
}
