/**
 * Answers that do not change while the engine host runs (its dataset kinds, the executors that can
 * run on its machine): asked once per connection and shared by every component that reads them.
 */
import { useEffect, useState } from 'react';
import type { EngineClient } from '../../engine/protocol/client.ts';
import type { Method, ParamsIn, Result } from '../../engine/protocol/messages.ts';

/** Methods whose answer is fixed for the life of the host, and the params they are asked with. */
const CONSTANT_PARAMS = { 'datasets.list': {}, 'executors.list': {} } as const satisfies { [M in Method]?: ParamsIn<M> };
export type ConstantMethod = keyof typeof CONSTANT_PARAMS;

export type HostConstant<T> =
  | { readonly status: 'unavailable' }
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly value: T }
  | { readonly status: 'failed'; readonly message: string };

type Settled<T> = Extract<HostConstant<T>, { status: 'ready' | 'failed' }>;

const asked = new WeakMap<EngineClient, Map<ConstantMethod, Promise<Settled<unknown>>>>();

/** The host's answer to `method`, asked at most once per connection while it succeeds. */
export function askHost<M extends ConstantMethod>(client: EngineClient, method: M): Promise<Settled<Result<M>>> {
  let byMethod = asked.get(client);
  if (!byMethod) asked.set(client, (byMethod = new Map()));
  const known = byMethod.get(method);
  if (known) return known as Promise<Settled<Result<M>>>;
  const answer = client.call<M>(method, CONSTANT_PARAMS[method] as ParamsIn<M>).then((r): Settled<Result<M>> => {
    if (!r.ok) byMethod.delete(method); // asked again on the next mount
    return r.ok ? { status: 'ready', value: r.value } : { status: 'failed', message: r.error.message };
  });
  byMethod.set(method, answer);
  return answer;
}

/** The host's answer to `method`, once per connection; 'unavailable' without a connection. */
export function useHostConstant<M extends ConstantMethod>(client: EngineClient | null, method: M): HostConstant<Result<M>> {
  const [loaded, setLoaded] = useState<{ client: EngineClient; answer: Settled<Result<M>> } | null>(null);
  useEffect(() => {
    if (!client) return;
    let live = true;
    void askHost(client, method).then((answer) => {
      if (live) setLoaded({ client, answer });
    });
    return () => {
      live = false;
    };
  }, [client, method]);
  if (!client) return { status: 'unavailable' };
  return loaded?.client === client ? loaded.answer : { status: 'loading' };
}
