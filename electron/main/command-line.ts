/**
 * A graph file named on the command line (`RNN Studio my.rnn.json`, or a double-click in the
 * file manager on Windows and Linux; macOS sends 'open-file' instead). Chromium adds switches of
 * its own, and in development argv[1] is the app folder, so only a `.json` argument counts.
 */
import { resolve } from 'node:path';

export function graphFileFromArgv(argv: readonly string[], workingDirectory: string, isPackaged: boolean): string | null {
  // argv[0] is the executable; unpackaged, argv[1] is the app folder given to `electron`.
  const args = argv.slice(isPackaged ? 1 : 2);
  for (let i = args.length - 1; i >= 0; i--) {
    const arg = args[i];
    if (arg === '--') continue;
    if (arg.startsWith('-')) continue;
    if (arg.toLowerCase().endsWith('.json')) return resolve(workingDirectory, arg);
  }
  return null;
}
