/**
 * UI text in English and Simplified Chinese through i18next. Each feature folder owns its
 * namespace's strings (`strings.ts` exporting `{ en, zh }` with the same keys); this module merges
 * them. Block and dataset help comes from the engine's catalog, which carries both languages.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { app } from './app.ts';
import { editor } from '../editor/strings.ts';
import { files } from '../files/strings.ts';
import { recovery } from '../recovery/strings.ts';
import { training } from '../training/strings.ts';
import { unrolled } from '../unrolled/strings.ts';

export const LANGUAGES = ['en', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];
export const NAMESPACES = { app, editor, files, recovery, training, unrolled } as const;

const STORAGE_KEY = 'rnn-studio.language';

export function initialLanguage(): Language {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh') return stored;
  return globalThis.navigator?.language?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export async function initI18n(language: Language = initialLanguage()): Promise<typeof i18next> {
  const resources = Object.fromEntries(LANGUAGES.map((lng) => [lng, Object.fromEntries(Object.entries(NAMESPACES).map(([ns, s]) => [ns, s[lng]]))]));
  await i18next.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'en',
    ns: Object.keys(NAMESPACES),
    defaultNS: 'app',
    resources,
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  return i18next;
}

export async function setLanguage(language: Language): Promise<void> {
  await i18next.changeLanguage(language);
  globalThis.localStorage?.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
}
