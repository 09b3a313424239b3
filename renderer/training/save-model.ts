/**
 * Saving an exported model's text where the app runs: Electron's native save dialog, or in a
 * browser a download. Never throws: the outcome says what happened.
 */
import { downloadBytes, downloadText } from '../files/download.ts';

export type SaveOutcome =
  | { readonly kind: 'saved'; readonly path: string }
  | { readonly kind: 'downloaded'; readonly name: string }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly message: string };

export function saveModelText(text: string, suggestedName: string): Promise<SaveOutcome> {
  return saveWhereTheAppRuns(
    suggestedName,
    (desktop) => desktop.saveTextDialog(text, suggestedName, 'model'),
    () => downloadText(text, suggestedName, 'application/json'),
  );
}

/** A binary model file (ONNX): a native save dialog on the desktop, a download in a browser. */
export function saveModelBytes(bytes: Uint8Array<ArrayBuffer>, suggestedName: string): Promise<SaveOutcome> {
  return saveWhereTheAppRuns(
    suggestedName,
    (desktop) => desktop.saveBytesDialog(bytes, suggestedName, 'onnx'),
    () => downloadBytes(bytes, suggestedName),
  );
}

type Desktop = NonNullable<Window['rnnStudio']>;
type DialogReply = Awaited<ReturnType<Desktop['saveTextDialog']>>;

async function saveWhereTheAppRuns(suggestedName: string, dialog: (desktop: Desktop) => Promise<DialogReply>, download: () => void): Promise<SaveOutcome> {
  const desktop = window.rnnStudio;
  try {
    if (desktop) {
      const result = await dialog(desktop);
      if (!result.ok) return { kind: 'failed', message: result.error.message };
      return result.value === null ? { kind: 'cancelled' } : { kind: 'saved', path: result.value.path };
    }
    download();
    return { kind: 'downloaded', name: suggestedName };
  } catch (e) {
    return { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
}
