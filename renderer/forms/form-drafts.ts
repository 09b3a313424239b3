/**
 * What a form holds that its value does not: text being typed that is not (yet) a valid value,
 * and a variant being filled in (a new optimizer whose required fields are still empty). An edit
 * that leaves the whole object valid at and under the edited field is emitted; one that does not
 * stays a draft with its message. Drafts fall away by themselves when the value they were made
 * against changes from outside (undo, another window), so the form never shows stale text.
 */
import { sameValue } from '../store/same-value.ts';
import { type FieldIssue, type FieldModel, type FieldPath, checkFields, getAt, isWithin, pathKey, setAt } from './schema-fields.ts';

type Json = Record<string, unknown>;

/** A problem to show under a field: a path into the value and a message in the UI language. */
export interface FormIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export interface Draft {
  readonly path: FieldPath;
  /** What the input shows (text for text inputs; the chosen value for selects and checkboxes). */
  readonly shown?: unknown;
  /** For a variant being filled in: the object so far. */
  readonly pending?: Json;
  readonly error: string | null;
  /** The value at `path` this draft belongs to; once the value differs, the draft is stale. */
  readonly expected: unknown;
}

export type Drafts = Readonly<Record<string, Draft>>;

export interface FormContext {
  readonly value: Json;
  readonly fields: readonly FieldModel[];
  readonly drafts: Drafts;
  readonly validate?: (next: Json) => readonly FormIssue[];
  readonly translate: (issue: FieldIssue) => string;
}

export type Edit =
  | { readonly field: FieldModel; readonly ok: true; readonly value: unknown; readonly shown?: unknown }
  | { readonly field: FieldModel; readonly ok: false; readonly issue: FieldIssue; readonly shown: unknown };

/** The value with every live pending variant in place: what the form shows. */
export function effectiveValue(value: Json, drafts: Drafts): Json {
  let out = value;
  for (const d of Object.values(drafts))
    if (d.pending !== undefined && sameValue(d.expected, getAt(value, d.path))) out = setAt(out, d.path, d.pending);
  return out;
}

/** Drafts that still belong to the current value. */
export function liveDrafts(value: Json, drafts: Drafts): Drafts {
  const effective = effectiveValue(value, drafts);
  const live = Object.entries(drafts).filter(([, d]) =>
    d.pending !== undefined ? sameValue(d.expected, getAt(value, d.path)) : sameValue(d.expected, getAt(effective, d.path)),
  );
  return live.length === Object.keys(drafts).length ? drafts : Object.fromEntries(live);
}

/** Every problem in `candidate`: the schema's own checks, then the caller's validation. */
export function issuesOf(cx: Pick<FormContext, 'fields' | 'validate' | 'translate'>, candidate: Json): FormIssue[] {
  const own = checkFields(cx.fields, candidate).map((i) => ({ path: i.path, message: cx.translate(i) }));
  const ownPaths = new Set(own.map((i) => pathKey(i.path.map(String))));
  // The caller's check often says the same as the schema's; show one message per field.
  const theirs = (cx.validate?.(candidate) ?? []).filter((i) => !ownPaths.has(pathKey(i.path.map(String))));
  return [...own, ...theirs];
}

/** The outermost live pending variant that `path` is in (or is). */
function pendingRoot(drafts: Drafts, path: FieldPath): Draft | undefined {
  return Object.values(drafts)
    .filter((d) => d.pending !== undefined && isWithin(path, d.path))
    .sort((a, b) => a.path.length - b.path.length)[0];
}

const withoutWithin = (drafts: Drafts, root: FieldPath): Record<string, Draft> =>
  Object.fromEntries(Object.entries(drafts).filter(([, d]) => !isWithin(d.path, root)));

/**
 * Applies one edit. `emit` is the whole new object when the edit is valid at and under the field
 * it touched (problems elsewhere, already there before, do not hold it back); otherwise null.
 */
export function applyEdit(cx: FormContext, edit: Edit): { drafts: Drafts; emit: Json | null } {
  const drafts = liveDrafts(cx.value, cx.drafts);
  const effective = effectiveValue(cx.value, drafts);
  const path = edit.field.path;
  const key = pathKey(path);

  if (!edit.ok)
    return { drafts: { ...drafts, [key]: { path, shown: edit.shown, error: cx.translate(edit.issue), expected: getAt(effective, path) } }, emit: null };

  const pending = pendingRoot(drafts, path);
  const root = pending?.path ?? path;
  const rootValue = pending ? (root.length === path.length ? edit.value : setAt(pending.pending ?? {}, path.slice(root.length), edit.value)) : edit.value;
  const candidate = setAt(cx.value, root, rootValue);
  const problems = issuesOf(cx, candidate).filter((i) => isWithin(i.path, root));

  if (problems.length === 0) {
    const next = withoutWithin(drafts, root);
    if (edit.shown !== undefined) next[key] = { path, shown: edit.shown, error: null, expected: edit.value };
    return { drafts: next, emit: candidate };
  }

  const next: Record<string, Draft> = { ...drafts };
  const here = problems.find((i) => isWithin(i.path, path));
  const isObject = typeof rootValue === 'object' && rootValue !== null && !Array.isArray(rootValue);
  if ((pending || edit.field.kind === 'variant' || edit.field.kind === 'object') && isObject) {
    // A variant or a group just switched on, being filled in: keep what is there so far; the
    // missing fields show their messages.
    const rootKey = pathKey(root);
    const onRoot = problems.find((i) => i.path.length === root.length);
    next[rootKey] = { path: root, pending: rootValue as Json, error: onRoot?.message ?? null, expected: getAt(cx.value, root) };
    if (rootKey !== key) next[key] = { path, shown: edit.shown ?? edit.value, error: here?.message ?? null, expected: edit.value };
  } else {
    next[key] = { path, shown: edit.shown ?? edit.value, error: (here ?? problems[0]).message, expected: getAt(effective, path) };
  }
  return { drafts: next, emit: null };
}

/** After leaving a field: text that was valid is shown formatted again; errors stay. */
export function blurField(drafts: Drafts, path: FieldPath): Drafts {
  const d = drafts[pathKey(path)];
  if (!d || d.error !== null || d.pending !== undefined) return drafts;
  const next = { ...drafts };
  delete next[pathKey(path)];
  return next;
}
