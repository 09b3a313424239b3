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

/** The user stopped the command (Ctrl-C): reported in one line, exit code 130 as for a shell's SIGINT. */
export class Interrupted extends Error {}
