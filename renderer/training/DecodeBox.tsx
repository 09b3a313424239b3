/**
 * Decoding with a finished encoder–decoder run: a source (prefilled with a random example of the
 * document's dataset), the decoder's greedy output, and for each attention block a heatmap of
 * which source positions every decoder step looked at.
 */
import { useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { Result } from '../../engine/protocol/messages.ts';
import { useDocumentStore } from '../store/context.tsx';
import { Button } from '../ui/Button.tsx';
import { attentionCells, exampleSource, sourceParam } from './decode-source.ts';
import { useRunSession } from './run-session-context.tsx';

const randomSeed = () => Math.floor(Math.random() * 2 ** 31);

export function DecodeBox() {
  const { t } = useTranslation('training');
  const documents = useDocumentStore();
  const runSession = useRunSession();
  const [source, setSource] = useState(() => exampleSource(documents.getState().doc.dataset, randomSeed()));
  const [busy, setBusy] = useState(false);
  const [decoded, setDecoded] = useState<Result<'decode'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const param = sourceParam(source);
  const example = exampleSource(documents.getState().doc.dataset, 0);

  const run = async () => {
    if (param === null) return;
    setBusy(true);
    setError(null);
    try {
      const reply = await runSession.decode({ source: param });
      if (reply.ok) setDecoded(reply.value);
      else {
        setDecoded(null);
        setError(t('decode.failed', { message: reply.error.message }));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="decode-box" data-testid="decode-box">
      <h4 className="training-subheading">{t('decode.title')}</h4>
      <div className="sample-fields">
        <label className="field">
          <span className="field-label">{t('decode.source')}</span>
          <input
            className="field-input"
            data-testid="decode-source"
            value={source}
            placeholder={example || t('decode.sourcePlaceholder')}
            title={t('decode.sourceHelp')}
            onChange={(e) => setSource(e.target.value)}
          />
        </label>
        {example !== '' && (
          <Button data-testid="decode-example" onClick={() => setSource(exampleSource(documents.getState().doc.dataset, randomSeed()))}>
            {t('decode.another')}
          </Button>
        )}
        <Button variant="primary" data-testid="decode-run" disabled={busy || param === null} onClick={() => void run()}>
          {busy ? t('decode.running') : t('decode.run')}
        </Button>
      </div>
      {param === null && <p className="field-error">{t('decode.empty')}</p>}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {decoded && (
        <>
          <p className="decode-output">
            <span className="field-label">{t('decode.output')}</span>{' '}
            <code data-testid="decode-output" data-ended={decoded.ended}>
              {decoded.tokens.join(' ')}
            </code>
          </p>
          {decoded.attention.length === 0 && <p className="field-help">{t('decode.noAttention')}</p>}
          {decoded.attention.map((a) => (
            <AttentionMap key={a.block} block={a.block} weights={a.weights} source={decoded.source} output={decoded.tokens} />
          ))}
        </>
      )}
    </div>
  );
}

/** Rows: decoder steps (labelled with the token each wrote); columns: source positions. */
function AttentionMap(props: { block: string; weights: number[][]; source: string[]; output: string[] }) {
  const { t } = useTranslation('training');
  const cols = props.source.length;
  const grid: CSSProperties = { gridTemplateColumns: `auto repeat(${cols}, minmax(12px, 28px))` };
  return (
    <figure className="attention-figure">
      <figcaption className="field-label">{t('decode.attention', { block: props.block })}</figcaption>
      <div className="attention-map" data-testid="attention-map" data-block={props.block} data-rows={props.weights.length} data-cols={cols} style={grid} role="table" aria-label={t('decode.attention', { block: props.block })}>
        <span className="attention-corner" style={{ gridRow: 1, gridColumn: 1 }} title={t('decode.axes')}>
          {t('decode.corner')}
        </span>
        {props.source.map((token, c) => (
          <span key={`s${c}`} className="attention-label attention-col-label" style={{ gridRow: 1, gridColumn: c + 2 }}>
            {token}
          </span>
        ))}
        {props.weights.map((_, r) => (
          <span key={`o${r}`} className="attention-label attention-row-label" style={{ gridRow: r + 2, gridColumn: 1 }}>
            {props.output[r] ?? t('decode.endToken')}
          </span>
        ))}
        {attentionCells(props.weights).map((cell) => (
          <span
            key={`${cell.row}:${cell.col}`}
            className="attention-cell"
            style={{ gridRow: cell.row + 2, gridColumn: cell.col + 2, backgroundColor: `rgba(37, 99, 235, ${cell.shade.toFixed(3)})` }}
            title={t('decode.cell', { step: cell.row + 1, position: cell.col + 1, weight: cell.weight.toFixed(3) })}
          />
        ))}
      </div>
    </figure>
  );
}
