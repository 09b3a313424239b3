/**
 * Keeps the store's diagnostics in step with the document: after each change (debounced) the
 * document is validated by the engine host, or, while it is away, by the engine's analysis run
 * right here (which knows everything but the dataset). Moving blocks around does not count as a
 * change. A result for an older document is dropped.
 */
import { analyzeGraph } from '../../engine/compiler/validate.ts';
import type { EngineClient } from '../../engine/protocol/client.ts';
import type { Diagnostic } from '../../engine/protocol/messages.ts';
import type { GraphDocument } from '../../engine/graph/schema.ts';
import type { DocumentStore } from '../store/document-store.ts';
import { validationKey } from '../store/structure-key.ts';

export const VALIDATE_DEBOUNCE_MS = 200;

/** The engine's analysis in this window; a bug in it becomes a diagnostic rather than a crash. */
export function localDiagnostics(doc: GraphDocument): Diagnostic[] {
  try {
    return analyzeGraph(doc).diagnostics.map((d) => ({ ...d }));
  } catch (e) {
    return [{ severity: 'error', code: 'internal', message: `the graph could not be analysed: ${e instanceof Error ? e.message : String(e)}` }];
  }
}

export async function validateDocument(client: EngineClient | null, doc: GraphDocument, path: string | null): Promise<Diagnostic[]> {
  if (client && !client.closed) {
    const result = await client.call('graph.validate', { graph: doc, documentPath: path }, { timeoutMs: 15_000 });
    if (result.ok) return result.value.diagnostics;
    if (result.error.code === 'invalid-graph' || result.error.code === 'bad-message')
      return [{ severity: 'error', code: result.error.code, message: result.error.message }];
  }
  return localDiagnostics(doc);
}

/**
 * Watches `store` and validates through `client` (null: locally). Returns the function that
 * stops watching. `validate` is injectable for tests.
 */
export function watchDiagnostics(
  store: DocumentStore,
  client: EngineClient | null,
  validate: typeof validateDocument = validateDocument,
  debounceMs = VALIDATE_DEBOUNCE_MS,
): () => void {
  let lastKey: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped on every change, so only the answer for the latest document is used. */
  let ticket = 0;
  let stopped = false;

  /** The diagnostics this watcher last put in the store; others there (a load cleared them) mean: validate again. */
  let applied: unknown = null;
  let applying = false;

  const run = async (mine: number) => {
    const { doc, path } = store.getState();
    const diagnostics = await validate(client, doc, path);
    if (stopped || mine !== ticket) return;
    applying = true;
    store.getState().setDiagnostics(diagnostics);
    applying = false;
    applied = store.getState().diagnostics;
  };

  const onChange = () => {
    if (applying) return;
    const { doc, path, diagnostics } = store.getState();
    const key = validationKey(doc, path);
    if (key === lastKey && (applied === null || diagnostics === applied)) return;
    lastKey = key;
    const mine = ++ticket;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void run(mine);
    }, debounceMs);
  };

  onChange();
  const unsubscribe = store.subscribe(onChange);
  return () => {
    stopped = true;
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
  };
}
