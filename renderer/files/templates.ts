/**
 * The shipped templates, listed and read by the engine host (`templates.*`) on the desktop and in
 * a browser alike.
 */
import type { EngineClient } from '../../engine/protocol/client.ts';
import type { TemplateInfo } from '../../engine/protocol/index.ts';
import { fail, failureOf, succeed, type OpenedGraph, type Outcome } from './file-service.ts';

export async function listTemplates(client: EngineClient | null): Promise<Outcome<readonly TemplateInfo[]>> {
  if (!client) return fail({ kind: 'engine-offline' });
  const result = await client.call('templates.list', {});
  return result.ok ? succeed(result.value.templates) : fail(failureOf(result.error));
}

/**
 * A template's text and its document path. The path is where the template's dataset files
 * resolve from; no file service has opened it, so Save asks for a new place instead of
 * overwriting the shipped template.
 */
export async function readTemplate(client: EngineClient | null, template: Pick<TemplateInfo, 'id' | 'name'>): Promise<Outcome<OpenedGraph>> {
  if (!client) return fail({ kind: 'engine-offline' });
  const result = await client.call('templates.open', { id: template.id });
  if (!result.ok) return fail(failureOf(result.error));
  return succeed({ path: result.value.documentPath, name: template.name, text: result.value.text });
}
