/** Offers text to the user as a downloaded file (the browser's Export). */

/** Long enough for the browser to start reading the blob before its URL is let go. */
const REVOKE_AFTER_MS = 60_000;

export function downloadText(text: string, name: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
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
