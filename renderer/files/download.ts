/** Offers text or bytes to the user as a downloaded file (the browser's Export). */

/** Long enough for the browser to start reading the blob before its URL is let go. */
const REVOKE_AFTER_MS = 60_000;

export function downloadText(text: string, name: string, type = 'application/json'): void {
  downloadBlob(new Blob([text], { type }), name);
}

/** A binary file (an ONNX model) as a download. */
export function downloadBytes(bytes: Uint8Array<ArrayBuffer>, name: string, type = 'application/octet-stream'): void {
  downloadBlob(new Blob([bytes], { type }), name);
}

function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
