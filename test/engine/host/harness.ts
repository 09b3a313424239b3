/**
 * The engine service as a test drives it: requests built and parsed as a client would send them,
 * every reply and event checked against the protocol's schemas, events collected in order.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createEngineService, type EngineService, type EngineServiceOptions } from '../../../engine/host/service.ts';
import { ClientMessage, HostEvent, parseHostMessage, type HostEventOf, type Method, type ParamsIn, type ProtocolError, type Result } from '../../../engine/protocol/index.ts';
import { TEMPLATES_DIR } from '../../helpers/templates.ts';

export interface Harness {
  readonly service: EngineService;
  readonly events: HostEvent[];
  call<M extends Method>(method: M, params: ParamsIn<M>): Promise<{ ok: true; result: Result<M> } | { ok: false; error: ProtocolError }>;
  /** The result of a call that must succeed. */
  ok<M extends Method>(method: M, params: ParamsIn<M>): Promise<Result<M>>;
  /** The error of a call that must fail. */
  fails<M extends Method>(method: M, params: ParamsIn<M>): Promise<ProtocolError>;
  eventsOf<T extends HostEvent['type']>(type: T, runId?: string): HostEventOf<T>[];
  /** Resolves once `predicate` holds for the events so far (checked on every event). */
  until(predicate: (events: readonly HostEvent[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
}

export function harness(options: Partial<EngineServiceOptions> = {}): Harness {
  const events: HostEvent[] = [];
  const waiters = new Set<() => void>();
  const service = createEngineService({
    workspace: null,
    templatesDir: TEMPLATES_DIR,
    ...options,
    emit: (e) => {
      events.push(HostEvent.parse(e));
      for (const w of waiters) w();
    },
  });
  let nextId = 1;

  const call: Harness['call'] = async (method, params) => {
    const message = ClientMessage.parse({ type: 'request', id: nextId++, method, params });
    const reply = parseHostMessage(await service.handle(message));
    assert.ok(reply.ok, `the reply to '${method}' does not parse: ${reply.ok ? '' : reply.error.message}`);
    assert.ok(reply.value.type === 'reply' && reply.value.id === message.id, 'a reply with the request id');
    if (!reply.value.ok) return { ok: false, error: reply.value.error };
    return { ok: true, result: reply.value.result as Result<typeof method> };
  };

  const h: Harness = {
    service,
    events,
    call,
    async ok(method, params) {
      const r = await call(method, params);
      if (!r.ok) assert.fail(`'${method}' failed: ${r.error.code}: ${r.error.message}`);
      return r.result;
    },
    async fails(method, params) {
      const r = await call(method, params);
      if (r.ok) assert.fail(`'${method}' should have failed, got ${JSON.stringify(r.result).slice(0, 200)}`);
      return r.error;
    },
    eventsOf(type, runId) {
      return events.filter((e): e is HostEventOf<typeof type> => e.type === type && (runId === undefined || ('runId' in e && e.runId === runId)));
    },
    until(predicate, what, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(events)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
  return h;
}

/** A template document as decoded JSON: loosely typed, to be edited (and broken) before sending. */
export interface TemplateJson {
  [key: string]: unknown;
  name: string;
  nodes: { [key: string]: unknown; id: string; params: Record<string, unknown> }[];
  dataset: { type: string; params: Record<string, unknown> };
  training: Record<string, unknown>;
}

export function templateJson(file: string): TemplateJson {
  return JSON.parse(readFileSync(`${TEMPLATES_DIR}${file}`, 'utf8')) as TemplateJson;
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Trains `template`, made small by `shorten`, through the host to its end; the run's id. Fails unless it completes. */
export async function trainTemplate(h: Harness, template: string, shorten: (g: TemplateJson) => void): Promise<string> {
  const g = templateJson(template);
  shorten(g);
  const { runId } = await h.ok('train.start', { graph: g });
  await h.until((events) => events.some((e) => e.type === 'train.ended' && e.runId === runId), `${template} to train`, 60_000);
  assert.equal(h.eventsOf('train.ended', runId)[0].reason, 'completed');
  return runId;
}
