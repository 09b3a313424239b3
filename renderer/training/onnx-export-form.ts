/**
 * The "Export as ONNX…" dialog's fields, checked: a fixed number of steps or any (where the host
 * said the model allows it), and a batch size. A model that reads no sequence has no length to
 * choose and is exported with steps 1.
 */
import type { ParamsIn, Result } from '../../engine/protocol/messages.ts';

export type OnnxChoices = Result<'model.onnxChoices'>;
export type OnnxRequest = Omit<ParamsIn<'model.exportOnnx'>, 'runId'> & { readonly batch: number };

export interface OnnxForm {
  readonly length: 'fixed' | 'any';
  readonly steps: string;
  readonly batch: string;
}

export const ONNX_STEPS = { min: 1, max: 10_000 } as const;
export const ONNX_BATCH = { min: 1, max: 100_000 } as const;

/** The field that is wrong and its range, or the request the fields make. */
export type OnnxFormCheck = { readonly ok: true; readonly request: OnnxRequest } | { readonly ok: false; readonly field: 'steps' | 'batch'; readonly min: number; readonly max: number };

/** What the dialog starts with: any length where the model allows it, as that file serves every input. */
export function initialOnnxForm(choices: OnnxChoices): OnnxForm {
  return { length: choices.sequences && choices.anyLength.possible ? 'any' : 'fixed', steps: '20', batch: '1' };
}

const whole = (text: string, range: { min: number; max: number }): number | null => {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(n) && n >= range.min && n <= range.max ? n : null;
};

export function checkOnnxForm(form: OnnxForm, choices: OnnxChoices): OnnxFormCheck {
  const batch = whole(form.batch, ONNX_BATCH);
  if (!choices.sequences) return batch === null ? { ok: false, field: 'batch', ...ONNX_BATCH } : { ok: true, request: { steps: 1, batch } };
  let steps: number | 'any' | null = 'any';
  if (form.length === 'fixed' || !choices.anyLength.possible) steps = whole(form.steps, ONNX_STEPS);
  if (steps === null) return { ok: false, field: 'steps', ...ONNX_STEPS };
  if (batch === null) return { ok: false, field: 'batch', ...ONNX_BATCH };
  return { ok: true, request: { steps, batch } };
}

/** The bytes of a base64 string (the host sends files as base64: every message is JSON). */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
