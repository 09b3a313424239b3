/**
 * Parsing at both ends of the protocol. Nothing that arrives is trusted: a message that does not
 * match its schema becomes a `bad-message` error naming the path of the first problem.
 */
import type { z } from 'zod';
import { formatPath } from '../graph/document.ts';
import { ClientMessage, HostMessage, METHODS, type Method, type ProtocolError, type Result } from './messages.ts';

export * from './messages.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

// Every method has a request envelope, and nothing else does.
type Covered = ClientMessage['method'];
const _everyMethodHasAnEnvelope: [Method] extends [Covered] ? ([Covered] extends [Method] ? true : never) : never = true;
void _everyMethodHasAnEnvelope;

/**
 * A union's own issue says only "Invalid input" at the top; the branch that came closest (fewest
 * issues, then the deepest path) says where the problem is.
 */
function closestIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (issue.code !== 'invalid_union') return issue;
  const best = issue.errors.filter((b) => b.length > 0).sort((a, b) => a.length - b.length || b[0].path.length - a[0].path.length)[0];
  if (!best) return issue;
  const inner = closestIssue(best[0]);
  return { path: [...issue.path, ...inner.path], message: inner.message };
}

function describeIssues(what: string, error: z.ZodError): string {
  const issue = closestIssue(error.issues[0]);
  const at = issue.path.length ? formatPath(issue.path) : '(message)';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  return `${what}: ${at}: ${issue.message}${more}`;
}

/** JSON text or an already-decoded value (MessagePort, Node IPC). */
function decode(raw: unknown, what: string): Parsed<unknown> {
  if (typeof raw !== 'string') return { ok: true, value: raw };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch (e) {
    return { ok: false, error: { code: 'bad-message', message: `${what} is not JSON: ${e instanceof Error ? e.message : String(e)}` } };
  }
}

/** Host side: a request from the UI. */
export function parseClientMessage(raw: unknown): Parsed<ClientMessage> & { id?: number } {
  const decoded = decode(raw, 'request');
  if (!decoded.ok) return decoded;
  const parsed = ClientMessage.safeParse(decoded.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  // Still answer the request when its id can be read, so the caller is not left waiting.
  const v = decoded.value;
  const id = typeof v === 'object' && v !== null && 'id' in v && Number.isInteger(v.id) && (v.id as number) >= 0 ? (v.id as number) : undefined;
  const method = typeof v === 'object' && v !== null && 'method' in v ? String(v.method) : '?';
  const known = method in METHODS ? `request '${method}'` : `unknown method '${method}' (known: ${Object.keys(METHODS).join(', ')})`;
  return { ok: false, id, error: { code: 'bad-message', message: describeIssues(known, parsed.error) } };
}

/** UI side: a reply or event from the host. */
export function parseHostMessage(raw: unknown): Parsed<HostMessage> {
  const decoded = decode(raw, 'host message');
  if (!decoded.ok) return decoded;
  const parsed = HostMessage.safeParse(decoded.value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: { code: 'bad-message', message: describeIssues('host message', parsed.error) } };
}

/** UI side: a successful reply's result, checked against what `method` promises. */
export function parseResult<M extends Method>(method: M, result: unknown): Parsed<Result<M>> {
  const parsed = METHODS[method].result.safeParse(result);
  return parsed.success
    ? { ok: true, value: parsed.data as Result<M> }
    : { ok: false, error: { code: 'bad-message', message: describeIssues(`result of '${method}'`, parsed.error) } };
}

/** Host side: checks a handler's result before it is sent (a bug shows here, not in the UI). */
export function checkResult<M extends Method>(method: M, result: Result<M>): Parsed<Result<M>> {
  return parseResult(method, result);
}
