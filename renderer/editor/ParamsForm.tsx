/**
 * A block's params as a form: fields from the block's zod schema (as JSON Schema), checked with
 * that same schema as the user types, help from the block's `paramHelp` in the UI language.
 */
import { useMemo } from 'react';
import { z } from 'zod';
import type { AnyBlock } from '../../engine/blocks/types.ts';
import type { GraphNode } from '../../engine/graph/schema.ts';
import { SchemaForm } from '../forms/SchemaForm.tsx';
import { zodValidator } from '../forms/zod-validator.ts';
import { useDocumentStore } from '../store/context.tsx';
import { useLanguage } from '../ui/use-language.ts';

const schemas = new Map<string, unknown>();

/** JSON Schema of a block's params as the user writes them (defaults make fields optional). */
function paramsSchema(block: AnyBlock): unknown {
  let schema = schemas.get(block.type);
  if (schema === undefined) {
    schema = z.toJSONSchema(block.params, { io: 'input', unrepresentable: 'any' });
    schemas.set(block.type, schema);
  }
  return schema;
}

export function ParamsForm({ node, block }: { node: GraphNode; block: AnyBlock }) {
  const store = useDocumentStore();
  const language = useLanguage();
  const validate = useMemo(() => zodValidator(block.params), [block]);
  const help = (key: string) => (Object.hasOwn(block.paramHelp, key) ? block.paramHelp[key][language] : undefined);
  return (
    <SchemaForm
      key={node.id}
      schema={paramsSchema(block)}
      value={node.params}
      onChange={(next) => store.getState().setParams(node.id, next)}
      validate={validate}
      idPrefix="param"
      help={help}
    />
  );
}
