/**
 * Writes what is generated from the engine's own schemas and registries, so that nothing in docs/
 * is maintained by hand twice:
 *
 *   docs/graph.schema.json   JSON Schema (draft 2020-12) of the graph document, from GraphDocument
 *   docs/model.schema.json   JSON Schema of the model file, from ModelFile (the graph under $defs)
 *   docs/graph-format.md     the block, dataset and training tables between their marker comments
 *
 * Run `npm run schema` after changing a schema, a block or a dataset; `--check` only reports
 * stale files (exit 1). test/engine/model/generated-docs.test.ts fails while any file is stale.
 *
 * How zod's JSON Schema output maps our schemas: strict objects become
 * `additionalProperties: false`; the optimizer's discriminated union becomes `oneOf`, which is
 * right because each branch pins `type` to a different const, so exactly one can match; the
 * weight union becomes `anyOf` (its branches are closed objects with different required keys).
 * GraphDocument's superRefine (unique node and edge ids) has no JSON Schema form and is
 * silently left out by zod, so the descriptions state the rule in words instead.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { BLOCKS } from '../engine/blocks/registry.ts';
import type { AnyBlock, InputPort } from '../engine/blocks/types.ts';
import { DATASETS } from '../engine/datasets/index.ts';
import { EarlyStopping, GraphDocument, LearningRateSchedule, Optimizer, resolveTraining, TrainingSettings, TruncatedBptt } from '../engine/graph/schema.ts';
import { ModelFile } from '../engine/model/file.ts';

type JsonSchema = z.core.JSONSchema.BaseSchema;

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * What each field of the graph document means, for editors that show a schema's descriptions on
 * hover. Keyed by field path ('' is the document). zod's superRefine (unique ids) has no JSON
 * Schema form, so the descriptions say it in words.
 */
const GRAPH_FIELDS: Readonly<Record<string, string>> = {
  '': 'An RNN Studio graph document (*.rnn.json), version 1: the blocks, the connections between them, and the dataset and training settings. Described in docs/graph-format.md.',
  format: 'Always "rnn-studio.graph".',
  version: 'The format version. RNN Studio upgrades older versions when it opens them and refuses newer ones.',
  name: 'The graph\'s name, shown in the title bar and in reports.',
  description: 'Free text for whoever opens the graph.',
  nodes: 'The blocks. Every node id must be unique in the document (RNN Studio checks this when it reads the file).',
  'nodes.id': 'Stable id that edges and model files refer to: 1–64 letters, digits, _ or -, starting with a letter or _.',
  'nodes.type': 'The block type, such as "lstm" (the block table in docs/graph-format.md lists them all).',
  'nodes.params': 'Block parameters. Missing ones take the block\'s defaults, which are never written back; each block checks its own when the graph is validated.',
  'nodes.position': 'Where the block sits on the canvas, in canvas pixels (top-left corner).',
  'nodes.label': 'A caption shown instead of the block type.',
  edges: 'Connections, each from an output port to an input port. Every edge id must be unique in the document.',
  'edges.id': 'Stable id of the connection.',
  'edges.source': 'Id of the node the value comes from.',
  'edges.sourcePort': 'Output port of the source node, such as "out".',
  'edges.target': 'Id of the node the value goes to.',
  'edges.targetPort': 'Input port of the target node, such as "in". An input port takes at most one edge.',
  dataset: 'The dataset to train on: a registered type and its params (missing params take their defaults).',
  'dataset.type': 'Dataset type: weather-food, sine, adding or text.',
  'dataset.params': 'Parameters of that dataset type.',
  training: 'Training settings. Every field is optional; the defaults are given with each field.',
  'training.epochs': 'Passes over the dataset.',
  'training.batchSize': 'Examples per optimizer step.',
  'training.seed': 'Seed for weight initialisation and batch order: the same seed gives the same run.',
  'training.optimizer': 'The optimizer and its settings.',
  'training.clipNorm': 'Rescale all gradients together when their global L2 norm exceeds this; null turns clipping off.',
  'training.targetLoss': 'Stop early once an epoch\'s mean training loss falls to this value (absent: train every epoch).',
  'training.clipValue':
    'Clamp every gradient element to [−clipValue, clipValue]; null turns it off. With clipNorm too, values are clamped first and the result is then rescaled to clipNorm (as Keras does).',
  'training.schedule':
    'How the learning rate changes from epoch to epoch, for every optimizer (the table below gives each schedule\'s formula). The epoch events report the rate each epoch used.',
  'training.validationSplit':
    'Fraction of the examples held out to measure validation loss and metrics after every epoch: the last N − ⌊N · (1 − split)⌋ examples of one shuffle by seed (Keras\'s cut), decided once before training and never trained on. 0: none.',
  'training.earlyStopping':
    'Stop when the loss stops improving: the validation loss (or, without a validation split, the training loss) must fall below its best so far by more than minDelta (default 0) within patience epochs. The run then keeps the weights of its best epoch. null: off.',
  'training.truncatedBptt':
    'Truncated BPTT: backpropagate through chunks of `steps` time steps. The chunks of a batch run in order, each starting from the state the previous one ended with; gradients do not cross a chunk\'s first step. With a target at every step each chunk is an optimizer step; with one target per sequence only the last chunk is. Not for graphs with a backward recurrence. null: through the whole sequence.',
  'training.gradientNormsOverTime':
    'Report ‖∂loss/∂h_t‖ for every time step t of every recurrent state, to show vanishing or exploding gradients: true on every step, an integer N on step 1 and every N-th step after it, false never.',
  ui: 'Editor state (viewport, notes). Kept exactly as it is; the engine ignores it.',
};

/** Defaults shown in the schema come from resolveTraining itself, so they cannot drift from what the trainer does. */
const TRAINING_DEFAULTS: Readonly<Record<string, unknown>> = (() => {
  const { targetLoss: _none, ...defaults } = resolveTraining(undefined);
  return Object.fromEntries(Object.entries(defaults).map(([k, v]) => [`training.${k}`, v]));
})();

/** 'properties/nodes/items/properties/id' → 'nodes.id', for paths inside `prefix` that name a field (else undefined). */
function fieldPath(path: readonly (string | number)[], prefix: readonly string[]): string | undefined {
  if (prefix.some((p, i) => path[i] !== p) || path.at(-1) === 'items') return undefined;
  const names: string[] = [];
  for (let i = prefix.length; i < path.length; i++) {
    if (path[i] === 'items') continue;
    const name = path[i + 1];
    if (path[i] !== 'properties' || typeof name !== 'string') return undefined;
    names.push(name);
    i++;
  }
  return names.join('.');
}

const describeGraphFields =
  (prefix: readonly string[]) =>
  ({ path, jsonSchema }: { path: (string | number)[]; jsonSchema: JsonSchema }): void => {
    const field = fieldPath(path, prefix);
    if (field === undefined) return;
    const description = GRAPH_FIELDS[field];
    if (description !== undefined) jsonSchema.description = description;
    if (field in TRAINING_DEFAULTS) jsonSchema.default = TRAINING_DEFAULTS[field] as JsonSchema['default'];
  };

const text = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** docs/graph.schema.json */
export function graphSchemaText(): string {
  const schema = z.toJSONSchema(GraphDocument, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw', override: describeGraphFields([]) });
  return text({ $schema: schema.$schema, title: 'RNN Studio graph document', description: GRAPH_FIELDS[''], ...schema });
}

/** docs/model.schema.json: the model file, with the graph document under $defs.GraphDocument. */
const GraphDefinition = GraphDocument.meta({ id: 'GraphDocument', title: 'RNN Studio graph document' });

export function modelSchemaText(): string {
  const schema = z.toJSONSchema(ModelFile.extend({ graph: GraphDefinition }), {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
    override: describeGraphFields(['properties', 'graph']),
  });
  const description =
    'An RNN Studio model file (*.rnn-model.json), version 1: a graph document and the trained weights of its blocks in the Keras layout. Described in docs/model-format.md.';
  return text({ $schema: schema.$schema, title: 'RNN Studio model file', description, ...schema });
}

// ── Markdown tables ──────────────────────────────────────────────────────────────────────────

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: unknown) => `\`${typeof s === 'string' ? s : JSON.stringify(s)}\``;
const row = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly string[])[]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

interface ParamDoc {
  readonly name: string;
  readonly type: string;
  readonly default: string;
  readonly range: string;
}

const asSchema = (s: z.core.JSONSchema._JSONSchema | undefined): JsonSchema => (typeof s === 'object' ? s : {});

/** The type and the allowed values of one JSON Schema field, in words for a table. */
function fieldShape(s: JsonSchema): { type: string; range: string } {
  const variants = (s.anyOf ?? s.oneOf)?.map(asSchema);
  if (variants) {
    const parts = variants.map(fieldShape);
    const tags = variants.map((v) => asSchema(v.properties?.type).const).filter((t) => t !== undefined);
    return {
      type: [...new Set(parts.map((p) => p.type))].join(' or '),
      range: tags.length > 0 ? `type: ${tags.map(code).join(', ')}` : parts.map((p) => p.range).filter((r) => r !== '—').join('; ') || '—',
    };
  }
  const type = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  if (s.enum) return { type, range: s.enum.map(code).join(', ') };
  const low = s.minimum !== undefined ? `${s.minimum} ≤ ` : s.exclusiveMinimum !== undefined ? `${s.exclusiveMinimum} < ` : '';
  const high = s.maximum !== undefined ? ` ≤ ${s.maximum}` : s.exclusiveMaximum !== undefined ? ` < ${s.exclusiveMaximum}` : '';
  if (low || high) return { type, range: `${low}x${high}` };
  if (s.minLength) return { type, range: 'not empty' };
  return { type, range: '—' };
}

/** Type, default and range of each field of a zod object, read from its JSON Schema (input side, so defaults show). */
function paramDocs(schema: z.ZodType): ParamDoc[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, p]) => {
    const s = asSchema(p);
    const fallback = 'default' in s ? code(s.default) : required.has(name) ? 'required' : '—';
    return { name, ...fieldShape(s), default: fallback };
  });
}

const portKinds = (p: InputPort) =>
  `${p.accepts.join(' or ')}${p.tokens === 'only' ? ', token ids' : p.tokens === 'either' ? ', features or token ids' : ''}${p.optional ? ', optional' : ''}`;

function blockRow(b: AnyBlock): string[] {
  const inputs = b.inputs.map((p) => `${code(p.name)} (${portKinds(p)})`).join(', ') || '—';
  const outputs = b.outputs.map((p) => code(p.name)).join(', ');
  const params = paramDocs(b.params).map((p) => `${code(p.name)} = ${p.default}`).join(', ') || '—';
  return [`${code(b.type)}<br>${b.label.en}`, b.category, inputs, outputs, params, b.help.en];
}

/** The block catalog as Markdown: one summary table, then every param with its range and meaning. */
export function blocksMarkdown(): string {
  const summary = table(['Block', 'Category', 'Inputs', 'Outputs', 'Params (default)', 'What it does'], BLOCKS.map(blockRow));
  const params = BLOCKS.flatMap((b) => {
    const help = b.paramHelp as Readonly<Record<string, { en: string } | undefined>>;
    return paramDocs(b.params).map((p) => [code(b.type), code(p.name), p.type, p.default, p.range, help[p.name]?.en ?? '']);
  });
  return `${summary}\n\nEvery block param:\n\n${table(['Block', 'Param', 'Type', 'Default', 'Range', 'Meaning'], params)}`;
}

/** The dataset registry as Markdown. */
export function datasetsMarkdown(): string {
  const summary = table(
    ['Dataset', 'What it is'],
    Object.values(DATASETS).map((d) => [`${code(d.type)}<br>${d.label.en}`, d.help.en]),
  );
  const params = Object.values(DATASETS).flatMap((d) => {
    const json = z.toJSONSchema(d.params, { io: 'input', unrepresentable: 'any' });
    return paramDocs(d.params).map((p) => {
      const field = json.properties?.[p.name];
      const meaning = typeof field === 'object' ? (field.description ?? '') : '';
      return [code(d.type), code(p.name), p.type, p.default, p.range, meaning];
    });
  });
  return `${summary}\n\n${table(['Dataset', 'Param', 'Type', 'Default', 'Range', 'Meaning'], params)}`;
}

/** The training section as Markdown: each field, its default (from resolveTraining) and its range. */
export function trainingMarkdown(): string {
  const defaults: Readonly<Record<string, unknown>> = { ...resolveTraining(undefined) };
  const rows = paramDocs(TrainingSettings).map((p) => {
    const fallback = defaults[p.name];
    const shown = fallback === null ? (p.type.includes('null') ? '`null` (off)' : 'none') : code(fallback);
    return [code(p.name), p.type, shown, p.range, GRAPH_FIELDS[`training.${p.name}`] ?? ''];
  });
  const optimizers = variantRows(Optimizer).map(({ type, fields }) => [type, fields]);
  const schedules = variantRows(LearningRateSchedule).map(({ type, fields }) => [type, fields || '—', SCHEDULE_FORMULAS[type] ?? '']);
  const objects = [['earlyStopping', EarlyStopping, 'minDelta: 0'], ['truncatedBptt', TruncatedBptt, '']] as const;
  const nested = objects.map(([name, schema, defaults]) => [code(name), fieldsText(asSchema(z.toJSONSchema(schema, { io: 'input' }))), defaults || '—']);
  return [
    table(['Field', 'Type', 'Default', 'Range', 'Meaning'], rows),
    table(['Optimizer `type`', 'Fields (all required unless marked)'], optimizers),
    table(['Schedule `type`', 'Fields (all required unless marked)', 'Learning rate in epoch e (i = e − 1, lr₀ = the optimizer\'s learningRate)'], schedules),
    table(['Setting', 'Fields (all required unless marked)', 'Defaults of optional fields'], nested),
  ].join('\n\n');
}

/** What each schedule computes (schedules.ts implements these). */
const SCHEDULE_FORMULAS: Readonly<Record<string, string>> = {
  '`none`': 'lr₀',
  '`step`': 'lr₀ · factor^⌊i / every⌋',
  '`exponential`': 'lr₀ · decayRate^i',
  '`cosine`': 'min + (lr₀ − min) · (1 + cos(π · min(i, epochs) / epochs)) / 2, with min = minLearningRate (default 0)',
};

/** `name`: range of each field but `type`, one per line. */
function fieldsText(s: JsonSchema): string {
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {})
    .filter(([name]) => name !== 'type')
    .map(([name, p]) => {
      const shape = fieldShape(asSchema(p));
      return `${code(name)}${required.has(name) ? '' : ' (optional)'}: ${shape.range === '—' ? shape.type : shape.range}`;
    })
    .join('<br>');
}

/** One row per branch of a union on `type`: the tag and its fields. */
function variantRows(schema: z.ZodType): { type: string; fields: string }[] {
  return (z.toJSONSchema(schema, { io: 'input' }).oneOf ?? []).map(asSchema).map((variant) => ({ type: code(asSchema(variant.properties?.type).const), fields: fieldsText(variant) }));
}

/** Replaces what lies between `<!-- name:start -->` and `<!-- name:end -->`; throws when the markers are missing. */
export function replaceMarked(markdown: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = markdown.indexOf(start);
  const to = markdown.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the markers ${start} … ${end} are missing`);
  return `${markdown.slice(0, from + start.length)}\n<!-- generated by scripts/write-json-schema.ts: edit the registry, then run npm run schema -->\n${content}\n${markdown.slice(to)}`;
}

export interface GeneratedFile {
  /** Relative to the repository root. */
  readonly path: string;
  readonly text: string;
}

/** Every generated file with the text it should have now. */
export function generatedFiles(root = ROOT): GeneratedFile[] {
  const formatDoc = 'docs/graph-format.md';
  let md = readFileSync(resolve(root, formatDoc), 'utf8');
  md = replaceMarked(md, 'blocks', blocksMarkdown());
  md = replaceMarked(md, 'datasets', datasetsMarkdown());
  md = replaceMarked(md, 'training', trainingMarkdown());
  return [
    { path: 'docs/graph.schema.json', text: graphSchemaText() },
    { path: 'docs/model.schema.json', text: modelSchemaText() },
    { path: formatDoc, text: md },
  ];
}

function main(args: readonly string[]): number {
  const check = args.includes('--check');
  let stale = 0;
  for (const file of generatedFiles()) {
    const path = resolve(ROOT, file.path);
    let current: string | undefined;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === file.text) continue;
    stale++;
    if (check) console.log(`${file.path} is out of date`);
    else {
      writeFileSync(path, file.text);
      console.log(`wrote ${file.path}`);
    }
  }
  if (stale === 0) console.log('generated docs are up to date');
  return check && stale > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = main(process.argv.slice(2));
