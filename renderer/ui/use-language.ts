/** The UI language as the engine's bilingual catalog names it ('en' | 'zh'). */
import { useTranslation } from 'react-i18next';

export type CatalogLanguage = 'en' | 'zh';

export const catalogLanguage = (language: string | undefined): CatalogLanguage => (language?.toLowerCase().startsWith('zh') ? 'zh' : 'en');

export function useLanguage(): CatalogLanguage {
  const { i18n } = useTranslation();
  return catalogLanguage(i18n.resolvedLanguage ?? i18n.language);
}
