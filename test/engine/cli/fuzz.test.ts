/**
 * Fuzzing the command line in process: thousands of mutants of the templates through `validate`
 * and `compile`, each run by main() as the CLI runs it. Every one must end with exit code 0, 1 or
 * 2 and a clean message (lines starting "rnn-studio:", no stack trace), never an exception; and a
 * graph that validates must compile. The seed is printed; RNN_FUZZ_SEED=<seed> replays a run, and
 * RNN_FUZZ_CASES=<n> sets how many mutants it tries.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { main } from '../../../engine/cli/main.ts';
import { Mutator } from '../../helpers/mutate.ts';

const SEED = Number(process.env.RNN_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(process.env.RNN_FUZZ_CASES ?? 2000);
const TEMPLATES = readdirSync('templates').filter((f) => f.endsWith('.rnn.json'));

// Mutants are written next to a copy of the templates' data, so the text dataset finds its file.
const dir = mkdtempSync(join(tmpdir(), 'rnn-fuzz-'));
cpSync('templates/data', join(dir, 'data'), { recursive: true });
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly code: number;
  readonly stderr: string;
  /** The exception main() let escape: what the CLI reports as an internal error (exit 70). */
  readonly crash?: unknown;
}

/** main(argv) with stdout and stderr captured. */
async function run(argv: string[]): Promise<Run> {
  const writes = { out: process.stdout.write, err: process.stderr.write };
  let stderr = '';
  process.stdout.write = () => true;
  process.stderr.write = (chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  try {
    return { code: await main(argv), stderr };
  } catch (e) {
    return { code: 70, stderr, crash: e };
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
  }
}

/** Why the run is not a clean ending, or undefined when it is. Messages start with the program's name, diagnostics with the file's. */
function unclean(r: Run, file: string): string | undefined {
  if (r.crash !== undefined) return `uncaught ${r.crash instanceof Error ? (r.crash.stack ?? r.crash.message) : String(r.crash)}`;
  if (![0, 1, 2].includes(r.code)) return `exit code ${r.code}`;
  if (/\n\s+at .+:\d+:\d+\)?/.test(r.stderr)) return `a stack trace on stderr:\n${r.stderr}`;
  if (r.code === 1) {
    const lines = r.stderr.trimEnd().split('\n');
    const bad = lines.find((l) => !(l.startsWith('rnn-studio: ') || l.startsWith(`${file}: `)));
    if (bad !== undefined) return `a message line that is not one clean line: ${JSON.stringify(bad.slice(0, 300))}`;
  }
  return undefined;
}

/** The template with a dataset of few examples: generating thousands for every mutant would make the fuzzing slow, not deeper. */
function small(text: string): string {
  const doc = JSON.parse(text) as { dataset?: { params?: Record<string, unknown> } };
  const params = doc.dataset?.params;
  // The text dataset keeps at most maxSamples windows; the generators make `samples`.
  if (params) params['samples' in params ? 'samples' : 'maxSamples'] = 32;
  return JSON.stringify(doc);
}

describe('fuzzing validate and compile with mutated templates', () => {
  it(`${CASES} mutants end with exit 0, 1 or 2 and a clean message; what validates compiles (seed ${SEED})`, async (t) => {
    t.diagnostic(`seed ${SEED} (RNN_FUZZ_SEED=${SEED} replays this run)`);
    const mutator = new Mutator(SEED);
    const texts = TEMPLATES.map((f) => small(readFileSync(join('templates', f), 'utf8')));
    const path = join(dir, 'mutant.rnn.json');
    const exits = { 0: 0, 1: 0, 2: 0 } as Record<number, number>;
    const failures: string[] = [];
    let runs = 0;
    let crashes = 0;
    let disagreements = 0;
    for (let i = 0; i < CASES; i++) {
      const template = i % TEMPLATES.length;
      const mutant = mutator.mutate(texts[template]);
      writeFileSync(path, mutant.text);
      const where = `case ${i} (${TEMPLATES[template]}: ${mutant.edits.join('; ')})`;
      const validated = await run(['validate', path]);
      // compile reads and checks the file as validate does: it runs on every graph that validates, and on a quarter of the rest.
      const compiled = validated.code === 0 || i % 4 === 0 ? await run(['compile', path, '--steps', '3']) : undefined;
      for (const [name, r] of [['validate', validated], ['compile', compiled]] as const) {
        if (!r) continue;
        runs++;
        exits[r.code] = (exits[r.code] ?? 0) + 1;
        const why = unclean(r, path);
        if (why) failures.push(`${where} ${name}: ${why}`);
        if (r.crash !== undefined) crashes++;
      }
      if (validated.code === 0 && compiled?.code !== 0) {
        disagreements++;
        failures.push(`${where}: validates but does not compile: ${compiled?.stderr.trim()}`);
      }
    }
    t.diagnostic(`runs: ${runs}; exit 0: ${exits[0]}, exit 1: ${exits[1]}, exit 2: ${exits[2]}; crashes: ${crashes}; validated but did not compile: ${disagreements}; failures: ${failures.length}`);
    assert.deepEqual(failures.slice(0, 10), [], `seed ${SEED}: ${failures.length} of ${CASES} mutants failed`);
  });
});
