/**
 * Links the page asks to open outside the app (a new window, a followed link). The project's own
 * documentation opens in the system browser at once; any other http(s) link only after the user
 * has seen the whole URL in a native box and said yes; every other scheme (file:, smb:, custom
 * protocol handlers …) never leaves the app, since the OS would hand it to whatever program claims it.
 */
import type { MessageBoxOptions } from 'electron';
import { fill, type MainStrings } from './strings.ts';

/**
 * The project's documentation: each entry is an https folder, and a link opens without asking
 * when it is on exactly that host (no user name, no port) and under that folder.
 */
export const DOCUMENTATION_LINKS: readonly string[] = ['https://rnnstudio.org/docs/'];

const documentation = DOCUMENTATION_LINKS.map((link) => new URL(link));

export type ExternalLink =
  | { readonly kind: 'documentation'; readonly url: string }
  | { readonly kind: 'other'; readonly url: string }
  | { readonly kind: 'refused' };

function isDocumentation(url: URL): boolean {
  return documentation.some(
    (docs) =>
      url.protocol === docs.protocol &&
      url.username === '' &&
      url.password === '' &&
      url.host === docs.host &&
      // The parser has already resolved `..` and `%2e%2e`, so a prefix of the path is a folder test.
      url.pathname.startsWith(docs.pathname),
  );
}

/** What may happen to `url`: judged on the parsed URL, never on its text. */
export function classifyExternalLink(url: string): ExternalLink {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'refused' };
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.hostname === '') return { kind: 'refused' };
  return isDocumentation(parsed) ? { kind: 'documentation', url: parsed.href } : { kind: 'other', url: parsed.href };
}

export interface ExternalLinkDeps {
  /** shell.openExternal */
  readonly openExternal: (url: string) => Promise<void>;
  /** Shows the question of externalLinkPrompt; true when the user chose to open the link. */
  readonly confirm: (url: string) => Promise<boolean>;
  readonly log: (message: string) => void;
}

/** Opens `url` in the system browser if the rules above allow it; `why` names what asked, for the log. Never throws. */
export async function openExternalLink(url: string, why: string, deps: ExternalLinkDeps): Promise<void> {
  const link = classifyExternalLink(url);
  try {
    if (link.kind === 'refused') {
      deps.log(`blocked ${why} to ${url}`);
      return;
    }
    if (link.kind === 'other' && !(await deps.confirm(link.url))) {
      deps.log(`the user did not open ${link.url}`);
      return;
    }
    await deps.openExternal(link.url);
  } catch (e) {
    deps.log(`could not open ${url} in the browser: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The question before a link that is not the documentation: the full URL, and Cancel as the default. */
export function externalLinkPrompt(url: string, strings: MainStrings): MessageBoxOptions {
  return {
    type: 'question',
    buttons: [strings.linkOpen, strings.linkCancel],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
    title: strings.appName,
    message: strings.linkQuestion,
    detail: fill(strings.linkDetail, { url }),
  };
}
