/** The shipped graph templates: `<templatesDir>/<id>.rnn.json`. */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseGraphText } from '../graph/document.ts';
import type { TemplateInfo } from '../protocol/messages.ts';
import { messageOf, RequestError } from './errors.ts';

const SUFFIX = '.rnn.json';

export interface Templates {
  list(): Promise<TemplateInfo[]>;
  open(id: string): Promise<{ text: string; documentPath: string }>;
}

export function createTemplates(dir: string): Templates {
  const root = resolve(dir);

  const ids = async (): Promise<string[]> => {
    try {
      return (await readdir(root)).filter((f) => f.endsWith(SUFFIX) && !f.startsWith('.')).map((f) => f.slice(0, -SUFFIX.length)).sort();
    } catch (e) {
      throw new RequestError('io', `cannot read the templates folder ${root}: ${messageOf(e)}`);
    }
  };

  return {
    async list() {
      const out: TemplateInfo[] = [];
      for (const id of await ids()) {
        const file = `${id}${SUFFIX}`;
        // A template that cannot be read is still listed, so the problem shows rather than the template vanishing.
        let problem: string;
        try {
          const parsed = parseGraphText(await readFile(join(root, file), 'utf8'));
          if (parsed.ok) {
            out.push({ id, name: parsed.graph.name || id, description: parsed.graph.description ?? '', file });
            continue;
          }
          problem = parsed.errors[0].message;
        } catch (e) {
          problem = messageOf(e);
        }
        out.push({ id, name: id, description: `this template cannot be read: ${problem}`, file });
      }
      return out;
    },

    async open(id) {
      // Only ids that are listed: an id is never joined into a path unchecked.
      const known = await ids();
      if (!known.includes(id)) throw new RequestError('not-found', `no template '${id}' (known: ${known.join(', ') || 'none'})`);
      const documentPath = join(root, `${id}${SUFFIX}`);
      try {
        return { text: await readFile(documentPath, 'utf8'), documentPath };
      } catch (e) {
        throw new RequestError('io', `cannot read template '${id}': ${messageOf(e)}`);
      }
    },
  };
}
