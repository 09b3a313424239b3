/**
 * A request that cannot be served for a reason the user can act on. The service turns it into
 * `{ok:false, error:{code, message}}`; anything else thrown by a handler is a bug and becomes
 * 'internal'.
 */
import type { ErrorCode } from '../protocol/messages.ts';

export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
