/** A block's help next to the palette: what it does and its ports, in the UI language. */
import { useTranslation } from 'react-i18next';
import type { AnyBlock } from '../../engine/blocks/types.ts';
import { useLanguage } from '../ui/use-language.ts';
import { inputPortKind } from './block-catalog.ts';

export function BlockHelpCard({ id, block, top, left }: { id: string; block: AnyBlock; top: number; left: number }) {
  const { t } = useTranslation('editor');
  const language = useLanguage();
  const separator = language === 'zh' ? '、' : ', ';
  const inputs =
    block.inputs.map((p) => t('palette.portWithKind', { port: p.label[language], kind: t(`kind.${inputPortKind(p, undefined)}`) })).join(separator) || t('palette.none');
  const outputs = block.outputs.map((p) => p.label[language]).join(separator) || t('palette.none');
  // Kept inside the window: the card is at most ~220 px tall.
  const clampedTop = Math.max(8, Math.min(top, window.innerHeight - 230));
  return (
    <div id={id} role="tooltip" className="help-card" style={{ top: clampedTop, left }}>
      <div className="help-card-title">
        <strong>{block.label[language]}</strong>
        <code>{block.type}</code>
      </div>
      <p>{block.help[language]}</p>
      <dl>
        <dt>{t('palette.inputs')}</dt>
        <dd>{inputs}</dd>
        <dt>{t('palette.outputs')}</dt>
        <dd>{outputs}</dd>
      </dl>
    </div>
  );
}
