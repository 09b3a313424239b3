/**
 * JSON Schema (as `z.toJSONSchema` writes it) → a list of form fields, and the checks a form makes
 * on its own: input text to values, ranges, required fields. Pure, so it is tested in Node; the
 * SchemaForm component only draws what this module describes. Issues are i18n keys in the 'app'
 * namespace (`form.*`) with their values, translated where they are shown.
 */

export type FieldPath = readonly string[];

interface FieldBase {
  readonly key: string;
  readonly path: FieldPath;
  readonly required: boolean;
  readonly description?: string;
}

export type FieldModel =
  | (FieldBase & {
      readonly kind: 'number';
      readonly integer: boolean;
      readonly nullable: boolean;
      readonly minimum?: number;
      readonly maximum?: number;
      readonly exclusiveMinimum?: number;
      readonly exclusiveMaximum?: number;
      readonly default?: number | null;
    })
  | (FieldBase & { readonly kind: 'enum'; readonly options: readonly (string | number)[]; readonly default?: string | number })
  | (FieldBase & { readonly kind: 'boolean'; readonly default?: boolean })
  | (FieldBase & { readonly kind: 'string'; readonly minLength?: number; readonly maxLength?: number; readonly default?: string })
  /** A group of fields; a nullable one (null: off) is drawn as an on/off switch over its fields. */
  | (FieldBase & { readonly kind: 'object'; readonly nullable: boolean; readonly fields: readonly FieldModel[] })
  /** oneOf/anyOf of objects told apart by a const `type`: a select plus the chosen variant's fields. */
  | (FieldBase & { readonly kind: 'variant'; readonly variants: readonly Variant[]; readonly default?: unknown })
  /**
   * A boolean or a positive whole number (`false`: off, `true`: every time, N: every N-th time):
   * a choice of the three, plus the number when it is N.
   */
  | (FieldBase & {
      readonly kind: 'booleanOrInteger';
      readonly minimum?: number;
      readonly maximum?: number;
      readonly default?: boolean | number;
      /** The number chosen when the user switches to "every N": the integer alternative's default, else its minimum. */
      readonly countStart: number;
    })
  /** Anything else (arrays, maps): edited as JSON text. */
  | (FieldBase & { readonly kind: 'json'; readonly default?: unknown });

export interface Variant {
  readonly type: string;
  readonly fields: readonly FieldModel[];
}

export interface FieldIssue {
  readonly path: FieldPath;
  /** i18n key in the 'app' namespace. */
  readonly key: string;
  readonly values?: Readonly<Record<string, string | number>>;
}

type Json = Record<string, unknown>;

const isRecord = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | undefined => (typeof x === 'number' ? x : undefined);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/** Follows a local `$ref` (`#/$defs/name`) against the root schema. */
function resolve(schema: unknown, root: Json): Json {
  if (!isRecord(schema)) return {};
  const ref = str(schema.$ref);
  if (ref?.startsWith('#/')) {
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, part) => (isRecord(at) ? at[part] : undefined), root);
    return { ...resolve(target, root), ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$ref')) };
  }
  return schema;
}

/** The fields of an object schema, in the order of its properties. */
export function fieldsOf(schema: unknown, root: Json = isRecord(schema) ? schema : {}, parent: FieldPath = []): FieldModel[] {
  const s = resolve(schema, root);
  const properties = isRecord(s.properties) ? s.properties : {};
  const required = new Set(Array.isArray(s.required) ? s.required.filter((x): x is string => typeof x === 'string') : []);
  return Object.entries(properties).map(([key, prop]) => fieldOf(key, [...parent, key], resolve(prop, root), required.has(key), root));
}

function fieldOf(key: string, path: FieldPath, s: Json, required: boolean, root: Json): FieldModel {
  const base = { key, path, required, description: str(s.description) };
  const alternatives = (Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : null)?.map((a) => resolve(a, root));
  if (alternatives) {
    const nonNull = alternatives.filter((a) => a.type !== 'null');
    const nullable = nonNull.length < alternatives.length;
    if (nonNull.length === 1) {
      const inner = fieldOf(key, path, { ...nonNull[0], description: s.description ?? nonNull[0].description, default: s.default }, required, root);
      return inner.kind === 'number' || inner.kind === 'object' ? { ...inner, nullable: nullable || inner.nullable } : inner;
    }
    const flag = nonNull.find((a) => a.type === 'boolean');
    const count = nonNull.find((a) => a.type === 'integer');
    if (nonNull.length === 2 && flag && count && !nullable) {
      const minimum = num(count.minimum);
      const start = num(count.default) ?? minimum ?? 1;
      const fallback = typeof s.default === 'boolean' || typeof s.default === 'number' ? s.default : undefined;
      return { ...base, kind: 'booleanOrInteger', minimum, maximum: num(count.maximum), default: fallback, countStart: start };
    }
    const variants = nonNull.map((a) => {
      const props = isRecord(a.properties) ? a.properties : {};
      const tag = isRecord(props.type) ? props.type.const : undefined;
      return typeof tag === 'string' ? { type: tag, fields: fieldsOf(a, root, path).filter((f) => f.key !== 'type') } : null;
    });
    if (variants.every((v) => v !== null) && variants.length > 0) return { ...base, kind: 'variant', variants, default: s.default };
    return { ...base, kind: 'json', default: s.default };
  }
  if (Array.isArray(s.enum)) {
    const options = s.enum.filter((o): o is string | number => typeof o === 'string' || typeof o === 'number');
    return { ...base, kind: 'enum', options, default: typeof s.default === 'string' || typeof s.default === 'number' ? s.default : undefined };
  }
  switch (s.type) {
    case 'integer':
    case 'number':
      return {
        ...base,
        kind: 'number',
        integer: s.type === 'integer',
        nullable: false,
        minimum: num(s.minimum),
        maximum: num(s.maximum),
        exclusiveMinimum: num(s.exclusiveMinimum),
        exclusiveMaximum: num(s.exclusiveMaximum),
        default: s.default === null ? null : num(s.default),
      };
    case 'boolean':
      return { ...base, kind: 'boolean', default: typeof s.default === 'boolean' ? s.default : undefined };
    case 'string':
      return { ...base, kind: 'string', minLength: num(s.minLength), maxLength: num(s.maxLength), default: str(s.default) };
    case 'object':
      if (isRecord(s.properties)) return { ...base, kind: 'object', nullable: false, fields: fieldsOf(s, root, path) };
      return { ...base, kind: 'json', default: s.default };
    default:
      return { ...base, kind: 'json', default: s.default };
  }
}

// ─── Values at paths ────────────────────────────────────────────────────────────────────────

export function getAt(value: unknown, path: FieldPath): unknown {
  return path.reduce<unknown>((at, key) => (isRecord(at) ? at[key] : undefined), value);
}

/** A copy of `obj` with `path` set to `value`; undefined removes the key. */
export function setAt(obj: Json, path: FieldPath, value: unknown): Json {
  const [key, ...rest] = path;
  if (key === undefined) return isRecord(value) ? value : obj;
  const next: Json = { ...obj };
  const child = rest.length === 0 ? value : setAt(isRecord(obj[key]) ? obj[key] : {}, rest, value);
  if (child === undefined) delete next[key];
  else next[key] = child;
  return next;
}

export const pathKey = (path: FieldPath): string => path.join('.');

/** `path` is `prefix` or lies inside it. */
export const isWithin = (path: readonly PropertyKey[], prefix: FieldPath): boolean =>
  prefix.length <= path.length && prefix.every((k, i) => String(path[i]) === k);

// ─── Input text → value ─────────────────────────────────────────────────────────────────────

export type ParsedInput = { ok: true; value: unknown } | { ok: false; issue: FieldIssue };

/** What parsing a number needs to know of its field. */
export interface NumberInput {
  readonly path: FieldPath;
  readonly required: boolean;
  readonly nullable: boolean;
}

/** Text typed into a number field. An empty field means "not set" (the default applies). */
export function parseNumberText(field: NumberInput, text: string): ParsedInput {
  const trimmed = text.trim();
  if (trimmed === '') {
    if (!field.required) return { ok: true, value: undefined };
    if (field.nullable) return { ok: true, value: null };
    return { ok: false, issue: { path: field.path, key: 'form.required' } };
  }
  const value = Number(trimmed);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) || !Number.isFinite(value))
    return { ok: false, issue: { path: field.path, key: 'form.notANumber', values: { text: trimmed } } };
  return { ok: true, value };
}

/** Text typed into a JSON field. */
export function parseJsonText(field: FieldModel, text: string): ParsedInput {
  if (text.trim() === '') return field.required ? { ok: false, issue: { path: field.path, key: 'form.required' } } : { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, issue: { path: field.path, key: 'form.notJson' } };
  }
}

// ─── Checks ─────────────────────────────────────────────────────────────────────────────────

interface NumberLimits {
  readonly integer: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
}

function checkNumber(limits: NumberLimits, value: unknown, issue: (key: string, values?: Record<string, string | number>) => FieldIssue): FieldIssue | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return issue('form.notANumber', { text: String(value) });
  if (limits.integer && !Number.isInteger(value)) return issue('form.notInteger');
  if (limits.minimum !== undefined && value < limits.minimum) return issue('form.minimum', { limit: limits.minimum });
  if (limits.maximum !== undefined && value > limits.maximum) return issue('form.maximum', { limit: limits.maximum });
  if (limits.exclusiveMinimum !== undefined && value <= limits.exclusiveMinimum) return issue('form.exclusiveMinimum', { limit: limits.exclusiveMinimum });
  if (limits.exclusiveMaximum !== undefined && value >= limits.exclusiveMaximum) return issue('form.exclusiveMaximum', { limit: limits.exclusiveMaximum });
  return null;
}

/** What is wrong with `value` in `field` (not its subfields), or null. */
export function checkField(field: FieldModel, value: unknown): FieldIssue | null {
  const issue = (key: string, values?: Record<string, string | number>): FieldIssue => ({ path: field.path, key, values });
  if (value === undefined) return field.required ? issue('form.required') : null;
  switch (field.kind) {
    case 'number':
      if (value === null) return field.nullable ? null : issue('form.required');
      return checkNumber(field, value, issue);
    case 'booleanOrInteger':
      if (typeof value === 'boolean') return null;
      return checkNumber({ integer: true, minimum: field.minimum, maximum: field.maximum }, value, issue);
    case 'enum':
      return field.options.includes(value as string | number) ? null : issue('form.oneOf', { options: field.options.join(', ') });
    case 'boolean':
      return typeof value === 'boolean' ? null : issue('form.notBoolean');
    case 'string':
      if (typeof value !== 'string') return issue('form.notText');
      if (field.minLength !== undefined && value.length < field.minLength) return issue(field.minLength === 1 ? 'form.required' : 'form.minLength', { limit: field.minLength });
      if (field.maxLength !== undefined && value.length > field.maxLength) return issue('form.maxLength', { limit: field.maxLength });
      return null;
    case 'object':
      if (value === null && field.nullable) return null;
      return isRecord(value) ? null : issue('form.notObject');
    case 'variant': {
      const type = isRecord(value) ? value.type : undefined;
      return field.variants.some((v) => v.type === type) ? null : issue('form.oneOf', { options: field.variants.map((v) => v.type).join(', ') });
    }
    case 'json':
      return null;
  }
}

/** Every issue in `value` against `fields`, subfields included. */
export function checkFields(fields: readonly FieldModel[], value: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const field of fields) {
    const v = getAt(value, [field.key]);
    const own = checkField(field, v);
    if (own) {
      issues.push(own);
      continue;
    }
    if (field.kind === 'object' && isRecord(v)) issues.push(...checkFields(field.fields, v));
    if (field.kind === 'variant' && isRecord(v)) issues.push(...checkFields(variantOf(field, v)?.fields ?? [], v));
  }
  return issues;
}

export const variantOf = (field: Extract<FieldModel, { kind: 'variant' }>, value: unknown): Variant | undefined =>
  field.variants.find((v) => isRecord(value) && v.type === value.type);

/**
 * The value of a variant field after choosing `type`: fields the new variant shares with the old
 * value are kept (a learning rate survives a change of optimizer), then `defaults` fill the rest.
 */
export function switchVariant(field: Extract<FieldModel, { kind: 'variant' }>, current: unknown, type: string, defaults: Json = {}): Json | undefined {
  const variant = field.variants.find((v) => v.type === type);
  if (!variant) return undefined;
  const next: Json = { type };
  for (const f of variant.fields) {
    const kept = isRecord(current) ? current[f.key] : undefined;
    const value = kept !== undefined ? kept : defaults[f.key] !== undefined ? defaults[f.key] : 'default' in f ? f.default : undefined;
    if (value !== undefined) next[f.key] = value;
  }
  return next;
}

/** The fields' own defaults, for a group just switched on (`preset` wins over them). */
export function objectDefaults(field: Extract<FieldModel, { kind: 'object' }>, preset: Json = {}): Json {
  const out: Json = {};
  for (const f of field.fields) {
    const value = preset[f.key] !== undefined ? preset[f.key] : 'default' in f ? f.default : undefined;
    if (value !== undefined && value !== null) out[f.key] = value;
  }
  return out;
}

/** A switched-off group: null where the field must be present, otherwise left out. */
export const objectOff = (field: Extract<FieldModel, { kind: 'object' }>): null | undefined => (field.required ? null : undefined);

export type BooleanOrIntegerChoice = 'off' | 'on' | 'every';

export function booleanOrIntegerChoice(field: Extract<FieldModel, { kind: 'booleanOrInteger' }>, value: unknown): BooleanOrIntegerChoice {
  const v = value === undefined ? field.default : value;
  return typeof v === 'number' ? 'every' : v === true ? 'on' : 'off';
}

/** The value after choosing `choice`; a number already there is kept when "every N" is chosen again. */
export function booleanOrIntegerValue(field: Extract<FieldModel, { kind: 'booleanOrInteger' }>, choice: BooleanOrIntegerChoice, current: unknown): boolean | number | undefined {
  switch (choice) {
    case 'off':
      return field.required || field.default === true || typeof field.default === 'number' ? false : undefined;
    case 'on':
      return true;
    case 'every':
      return typeof current === 'number' ? current : field.countStart;
  }
}

/** A value as shown in a text input. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
