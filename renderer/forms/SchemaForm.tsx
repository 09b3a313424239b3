/**
 * A form drawn from a JSON Schema (as `z.toJSONSchema` writes it). Text that is not a valid value
 * yet shows its message under the field and is not passed on; a valid edit calls `onChange` with
 * the whole new object. Inputs carry `data-testid="<idPrefix>-<key>"` (nested: `-<subkey>`).
 */
import { type ReactNode, useCallback, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyEdit, blurField, type Drafts, type Edit, effectiveValue, type FormIssue, issuesOf, liveDrafts } from './form-drafts.ts';
import {
  type BooleanOrIntegerChoice,
  booleanOrIntegerChoice,
  booleanOrIntegerValue,
  type FieldIssue,
  type FieldModel,
  fieldsOf,
  formatValue,
  getAt,
  objectDefaults,
  objectOff,
  parseJsonText,
  parseNumberText,
  pathKey,
  switchVariant,
  variantOf,
} from './schema-fields.ts';
import './forms.css';

export type { FormIssue } from './form-drafts.ts';

type Json = Record<string, unknown>;

export interface SchemaFormProps {
  readonly schema: unknown;
  readonly value: Json;
  readonly onChange: (next: Json) => void;
  /** Further checks on a candidate object (zod issues fit: `schema.safeParse(x).error.issues`). */
  readonly validate?: (next: Json) => readonly FormIssue[];
  readonly idPrefix: string;
  /** The label of a field, by its dotted path (`units`, `optimizer.learningRate`); default: the key. */
  readonly label?: (key: string) => string | undefined;
  /** Help under a field, by its dotted path; default: the schema's description. */
  readonly help?: (key: string) => string | undefined;
  /** Values for the fields of a variant just chosen (e.g. an optimizer's usual settings). */
  readonly variantDefaults?: (key: string, type: string) => Json | undefined;
  /** Values for the fields of a group (a nullable object) just switched on. */
  readonly groupDefaults?: (key: string) => Json | undefined;
  /**
   * The text of a choice, by the field's dotted path and the choice: an enum value or a variant's
   * type as a string, or `off` / `on` / `every` for a boolean-or-integer field; default: the value.
   */
  readonly optionLabel?: (key: string, option: string) => string | undefined;
  readonly disabled?: boolean;
}

const BOOLEAN_OR_INTEGER_CHOICES: readonly BooleanOrIntegerChoice[] = ['off', 'on', 'every'];
const isRecord = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

export function SchemaForm(props: SchemaFormProps) {
  const { schema, value, onChange, validate, idPrefix, label, help, variantDefaults, groupDefaults, optionLabel, disabled } = props;
  const { t } = useTranslation('app');
  const fields = useMemo(() => fieldsOf(schema), [schema]);
  const [drafts, setDrafts] = useState<Drafts>({});
  /** What a group held when it was switched off, so switching it on again brings it back. */
  const switchedOff = useRef(new Map<string, Json>());
  const translate = useCallback((i: FieldIssue) => t(i.key, i.values ?? {}), [t]);

  const live = liveDrafts(value, drafts);
  const effective = effectiveValue(value, live);
  const issues = useMemo(() => issuesOf({ fields, validate, translate }, effective), [fields, validate, translate, effective]);

  const edit = (e: Edit) => {
    const result = applyEdit({ value, fields, drafts, validate, translate }, e);
    setDrafts(result.drafts);
    if (result.emit) onChange(result.emit);
  };

  const issueAt = (path: readonly string[]) => issues.find((i) => pathKey(i.path.map(String)) === pathKey(path))?.message ?? null;
  const general = issues.filter((i) => i.path.length === 0);

  const renderField = (field: FieldModel): ReactNode => {
    const dotted = pathKey(field.path);
    const id = `${idPrefix}-${field.path.join('-')}`;
    const draft = live[dotted];
    const error = draft?.error ?? issueAt(field.path);
    const current = getAt(effective, field.path);
    const helpText = help?.(dotted) ?? field.description;
    const describedBy = [helpText ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
    const common = { id, 'data-testid': id, disabled, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy };
    const placeholder =
      'default' in field && field.default !== undefined
        ? field.default === null
          ? t('form.none')
          : formatValue(field.default)
        : field.required
          ? ''
          : t('form.optional');

    let control: ReactNode;
    switch (field.kind) {
      case 'number':
      case 'string':
      case 'json': {
        const shown = typeof draft?.shown === 'string' ? draft.shown : formatValue(current);
        const onText = (text: string) => {
          if (field.kind === 'string') return edit({ field, ok: true, value: text === '' && !field.required ? undefined : text, shown: text });
          const parsed = field.kind === 'number' ? parseNumberText(field, text) : parseJsonText(field, text);
          edit(parsed.ok ? { field, ok: true, value: parsed.value, shown: text } : { field, ok: false, issue: parsed.issue, shown: text });
        };
        control =
          field.kind === 'json' ? (
            <textarea {...common} className="field-input field-json" value={shown} placeholder={placeholder} spellCheck={false} onChange={(e) => onText(e.target.value)} onBlur={() => setDrafts((d) => blurField(d, field.path))} />
          ) : (
            <input
              {...common}
              className="field-input"
              type="text"
              inputMode={field.kind === 'number' ? (field.integer ? 'numeric' : 'decimal') : undefined}
              autoComplete="off"
              spellCheck={false}
              value={shown}
              placeholder={placeholder}
              onChange={(e) => onText(e.target.value)}
              onBlur={() => setDrafts((d) => blurField(d, field.path))}
            />
          );
        break;
      }
      case 'enum': {
        const chosen = draft && draft.shown !== undefined ? draft.shown : current;
        const index = field.options.findIndex((o) => o === chosen);
        control = (
          <select {...common} className="field-input" value={index < 0 ? '' : String(index)} onChange={(e) => edit({ field, ok: true, value: e.target.value === '' ? undefined : field.options[Number(e.target.value)] })}>
            {(!field.required || index < 0) && (
              <option value="" disabled={field.required}>
                {field.default !== undefined ? t('form.defaultOption', { value: String(field.default) }) : t('form.notSet')}
              </option>
            )}
            {field.options.map((o, i) => (
              <option key={String(o)} value={String(i)}>
                {optionLabel?.(dotted, String(o)) ?? String(o)}
              </option>
            ))}
          </select>
        );
        break;
      }
      case 'boolean': {
        const checked = typeof current === 'boolean' ? current : (field.default ?? false);
        control = (
          <label className="field-check">
            <input {...common} type="checkbox" checked={checked} onChange={(e) => edit({ field, ok: true, value: e.target.checked })} />
            <span>{checked ? t('form.on') : t('form.off')}</span>
          </label>
        );
        break;
      }
      case 'booleanOrInteger': {
        const choice = booleanOrIntegerChoice(field, current);
        const countText = typeof draft?.shown === 'string' ? draft.shown : typeof current === 'number' ? String(current) : '';
        const choiceText = (c: BooleanOrIntegerChoice) => optionLabel?.(dotted, c) ?? (c === 'off' ? t('form.off') : c === 'on' ? t('form.on') : `${t('form.on')} (N)`);
        const count = { path: field.path, required: true, nullable: false };
        control = (
          <div className="field-row">
            <select
              {...common}
              className="field-input"
              value={choice}
              onChange={(e) => {
                const next = e.target.value as BooleanOrIntegerChoice;
                edit({ field, ok: true, value: booleanOrIntegerValue(field, next, current) });
              }}
            >
              {BOOLEAN_OR_INTEGER_CHOICES.map((c) => (
                <option key={c} value={c}>
                  {choiceText(c)}
                </option>
              ))}
            </select>
            {choice === 'every' && (
              <input
                id={`${id}-every`}
                data-testid={`${id}-every`}
                className="field-input field-count"
                type="text"
                inputMode="numeric"
                autoComplete="off"
                aria-label={choiceText('every')}
                aria-invalid={error ? true : undefined}
                aria-describedby={describedBy}
                disabled={disabled}
                value={countText}
                onChange={(e) => {
                  const parsed = parseNumberText(count, e.target.value);
                  edit(parsed.ok ? { field, ok: true, value: parsed.value, shown: e.target.value } : { field, ok: false, issue: parsed.issue, shown: e.target.value });
                }}
                onBlur={() => setDrafts((d) => blurField(d, field.path))}
              />
            )}
          </div>
        );
        break;
      }
      case 'object': {
        const on = isRecord(current);
        const title = label?.(dotted) ?? field.key;
        const toggle = (next: boolean) => {
          if (next) edit({ field, ok: true, value: switchedOff.current.get(dotted) ?? objectDefaults(field, groupDefaults?.(dotted)) });
          else {
            if (on) switchedOff.current.set(dotted, current);
            edit({ field, ok: true, value: objectOff(field) });
          }
        };
        return (
          <fieldset key={dotted} className={`field-group${field.nullable && !on ? ' field-group-off' : ''}`} data-testid={id}>
            <legend>
              {field.nullable ? (
                <label className="field-check field-switch">
                  <input type="checkbox" id={`${id}-enabled`} data-testid={`${id}-enabled`} checked={on} disabled={disabled} aria-describedby={describedBy} onChange={(e) => toggle(e.target.checked)} />
                  <span>{title}</span>
                </label>
              ) : (
                title
              )}
            </legend>
            {helpText && (
              <p className="field-help" id={`${id}-help`}>
                {helpText}
              </p>
            )}
            {error && (
              <p className="field-error" id={`${id}-error`} role="alert">
                {error}
              </p>
            )}
            {(!field.nullable || on) && field.fields.map(renderField)}
          </fieldset>
        );
      }
      case 'variant': {
        const variant = variantOf(field, current);
        // Left empty, the field takes its default: named when the schema says which variant it is.
        const defaultType = variantOf(field, field.default)?.type;
        const emptyText = field.required
          ? t('form.notSet')
          : t('form.defaultOption', { value: defaultType === undefined ? t('form.builtIn') : (optionLabel?.(dotted, defaultType) ?? defaultType) });
        control = (
          <select
            {...common}
            id={`${id}-type`}
            data-testid={`${id}-type`}
            className="field-input"
            value={variant?.type ?? ''}
            onChange={(e) => {
              const type = e.target.value;
              const next = type === '' ? undefined : switchVariant(field, current, type, variantDefaults?.(dotted, type));
              edit({ field, ok: true, value: next });
            }}
          >
            {(!field.required || !variant) && <option value="">{emptyText}</option>}
            {field.variants.map((v) => (
              <option key={v.type} value={v.type}>
                {optionLabel?.(dotted, v.type) ?? v.type}
              </option>
            ))}
          </select>
        );
        return (
          <fieldset key={dotted} className="field-group" data-testid={id}>
            <legend>
              <label htmlFor={`${id}-type`}>{label?.(dotted) ?? field.key}</label>
            </legend>
            {helpText && <p className="field-help" id={`${id}-help`}>{helpText}</p>}
            {control}
            {error && (
              <p className="field-error" id={`${id}-error`} role="alert">
                {error}
              </p>
            )}
            {variant?.fields.map(renderField)}
          </fieldset>
        );
      }
    }

    return (
      <div key={dotted} className={`field${error ? ' field-invalid' : ''}`}>
        <label className="field-label" htmlFor={id}>
          {label?.(dotted) ?? field.key}
        </label>
        {control}
        {error && (
          <p className="field-error" id={`${id}-error`} data-testid={`${id}-error`} role="alert">
            {error}
          </p>
        )}
        {helpText && (
          <p className="field-help" id={`${id}-help`}>
            {helpText}
          </p>
        )}
      </div>
    );
  };

  return (
    <div className="schema-form" data-testid={`${idPrefix}-form`}>
      {fields.length === 0 && <p className="muted">{t('form.noFields')}</p>}
      {general.map((i) => (
        <p key={i.message} className="field-error" role="alert">
          {i.message}
        </p>
      ))}
      {fields.map(renderField)}
    </div>
  );
}
