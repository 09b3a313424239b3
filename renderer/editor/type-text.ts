/** A port type in words, in the UI language ("a sequence of 32 features"). */
import type { TFunction } from 'i18next';
import type { PortType } from '../../engine/blocks/types.ts';

export function describeType(t: TFunction<'editor'>, type: PortType | undefined): string {
  if (!type) return t('type.unknown');
  if (type.tokens) return t(type.kind === 'sequence' ? 'type.tokensSequence' : 'type.tokensVector', { size: type.size });
  return t(type.kind === 'sequence' ? 'type.sequence' : 'type.vector', { size: type.size });
}

/** The title for a diagnostic code ("Size mismatch"); codes the UI does not know get a generic one. */
export function codeTitle(t: TFunction<'editor'>, code: string): string {
  return t(`codes.${code}`, { defaultValue: t('codes.other') });
}
