/** A SchemaForm `validate` from a zod schema: its issues, with their paths, as form issues. */
import type { z } from 'zod';
import type { FormIssue } from './form-drafts.ts';

export const zodValidator =
  (schema: z.ZodType) =>
  (next: Record<string, unknown>): readonly FormIssue[] => {
    const parsed = schema.safeParse(next);
    return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path, message: i.message }));
  };
