/**
 * Saving an exported model's text where the app runs: Electron's native save dialog, or in a
 * browser a download. Never throws: the outcome says what happened.
 */
import { downloadText } from '../files/download.ts';

export type SaveOutcome =
  | { readonly kind: 'saved'; readonly path: string }
  | { readonly kind: 'downloaded'; readonly name: string }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly message: string };

export async function saveModelText(text: string, suggestedName: string): Promise<SaveOutcome> {
  const desktop = window.rnnStudio;
  try {
    if (desktop) {
      const result = await desktop.saveTextDialog(text, suggestedName, 'model');
      if (!result.ok) return { kind: 'failed', message: result.error.message };
      return result.value === null ? { kind: 'cancelled' } : { kind: 'saved', path: result.value.path };
    }
    downloadText(text, suggestedName, 'application/json');
    return { kind: 'downloaded', name: suggestedName };
  } catch (e) {
    return { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
}
