import { HIDDEN_CHARACTER } from '../graph/hidden-characters.ts';

/** A mistake of the user's (a bad file, a bad value): reported in one line, exit code 1. */
export class UserError extends Error {
  constructor(
    message: string,
    /** Further lines (one per diagnostic), printed after the message. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };


/**
 * `text` as one line of a terminal: control characters (a newline inside a node id, say) and the
 * characters that reorder text (U+202E) written as escapes, so one message stays one line and
 * reads as it is.
 */
export const oneLine = (text: string): string => Array.from(text, (c) => (HIDDEN_CHARACTER.test(c) ? (ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : c)).join('');

/** The user stopped the command (Ctrl-C): reported in one line, exit code 130 as for a shell's SIGINT. */
export class Interrupted extends Error {}
