/**
 * Fuzzing the host's protocol end: requests with junk in every place (wrong types, huge strings,
 * deep nesting, `__proto__` keys), unknown methods, broken JSON and values that are not messages
 * at all, fed to HostConnections as a port or socket would. Every request whose id can be read is
 * answered once with a clean error (never 'internal', never a stack trace), nothing leaks into
 * Object.prototype, and a valid request is answered afterwards. RNN_FUZZ_SEED replays a run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HostConnections } from '../../../engine/host/connections.ts';
import { createEngineService } from '../../../engine/host/service.ts';
import type { HostMessage } from '../../../engine/protocol/index.ts';
import { TEMPLATES_DIR } from '../../helpers/templates.ts';
import { type Json, Mutator } from '../../helpers/mutate.ts';
import { delay } from './harness.ts';

const SEED = Number(process.env.RNN_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = Number(process.env.RNN_FUZZ_CASES ?? 1000);

const workspace = mkdtempSync(join(tmpdir(), 'rnn-protocol-fuzz-'));
const connections = new HostConnections();
const service = createEngineService({ workspace, templatesDir: TEMPLATES_DIR, emit: connections.broadcast });
connections.serve(service);
after(async () => {
  await service.dispose();
  rmSync(workspace, { recursive: true, force: true });
});

const graph = JSON.parse(readFileSync(join(TEMPLATES_DIR, 'sine-elman.rnn.json'), 'utf8')) as { dataset: { params: Record<string, Json> } } & Record<string, Json>;
graph.dataset.params.samples = 32;

/** A request each method would accept (or refuse for a reason of its own, such as an unknown run). */
const VALID: Readonly<Record<string, Json>> = {
  'datasets.list': {},
  'executors.list': {},
  'graph.validate': { graph, documentPath: null },
  'graph.compile': { graph, steps: 3 },
  // A graph without a dataset: train.start is refused before anything trains.
  'train.start': { graph: { ...graph, dataset: null } },
  'train.pause': { runId: 'run-1' },
  'train.resume': { runId: 'run-1' },
  'train.stop': { runId: 'run-1' },
  predict: { runId: 'run-1', input: { x: [[[0.5]]] } },
  sample: { runId: 'run-1', length: 5 },
  decode: { runId: 'run-1', source: 'abc' },
  'model.export': { runId: 'run-1' },
  'model.onnxChoices': { runId: 'run-1' },
  'model.exportOnnx': { runId: 'run-1', steps: 4, batch: 2 },
  'templates.list': {},
  'templates.open': { id: 'sine-elman' },
  'files.list': {},
  'files.read': { name: 'a.rnn.json' },
  'files.write': { name: 'a.rnn.json', text: '{}', overwrite: true },
  'backups.list': {},
  'backups.read': { id: 'backup-1' },
  'backups.write': { id: 'backup-1', text: '{}' },
  'backups.remove': { id: 'backup-1' },
};

/** One hostile message for id `id`: what is sent (text or a value) and what was done to it. */
function hostile(m: Mutator, id: number): { raw: unknown; edit: string } {
  const method = m.pick([...Object.keys(VALID), 'train.launch', '__proto__', 'constructor', 'toString', '']);
  const request: Json = { type: 'request', id, method, params: structuredClone(Object.hasOwn(VALID, method) ? VALID[method] : {}) };
  switch (m.int(8)) {
    case 0:
      return { raw: JSON.stringify(request).slice(0, m.int(200)), edit: `${method}, truncated` };
    case 1:
      return { raw: JSON.stringify(request).replace('"params":{', `"params":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},`), edit: `${method}, __proto__ keys` };
    case 2:
      return { raw: JSON.stringify(request).replace('"params":', `"params":${'['.repeat(100_000)}`), edit: `${method}, 100,000 unclosed brackets` };
    case 3:
      return { raw: m.junk(), edit: 'not a message' };
    case 4:
      return { raw: `{"type":"request","id":${id},"method":"${method}","params":{"graph":${'['.repeat(5000)}${']'.repeat(5000)}}}`, edit: `${method}, 5,000 nested arrays` };
    default: {
      const edits = [m.scramble(request), ...(m.int(2) ? [m.scramble(request)] : [])];
      return { raw: m.int(2) ? JSON.stringify(request) : request, edit: `${method}, ${edits.join('; ')}` };
    }
  }
}

describe('fuzzing the host protocol', () => {
  it(`${CASES} hostile messages are each refused cleanly, and the host answers a valid request afterwards (seed ${SEED})`, async (t) => {
    t.diagnostic(`seed ${SEED} (RNN_FUZZ_SEED=${SEED} replays this run)`);
    const got: HostMessage[] = [];
    const send = connections.attach({ post: (message) => void got.push(structuredClone(message)) });
    const m = new Mutator(SEED);
    const sent = new Map<number, string>();
    // The host logs each message it drops for want of an id: one line each, kept out of the test's output.
    const write = process.stderr.write;
    let logged = '';
    process.stderr.write = (chunk: string | Uint8Array) => ((logged += String(chunk)), true);
    const replies = () => got.filter((r) => r.type === 'reply');
    try {
      for (let id = 1; id <= CASES; id++) {
        const { raw, edit } = hostile(m, id);
        sent.set(id, edit);
        send(raw);
      }
      // Requests whose id survived are answered; wait for the answers to stop coming.
      for (let seen = -1; seen !== replies().length; ) {
        seen = replies().length;
        await delay(300);
      }
    } finally {
      process.stderr.write = write;
    }
    const failures: string[] = [];
    for (const r of replies()) {
      if (r.type !== 'reply') continue;
      // A scrambled id may be another message's: the edit named is a clue, not proof.
      const what = `id ${r.id} (${sent.get(r.id) ?? 'a scrambled id'})`;
      if (!r.ok && r.error.code === 'internal') failures.push(`${what}: internal error: ${r.error.message.slice(0, 300)}`);
      if (!r.ok && /\n\s+at /.test(r.error.message)) failures.push(`${what}: a stack trace in the reply`);
    }
    const dropped = logged.split('\n').filter((l) => l.startsWith('engine host: a message without a readable id was dropped')).length;
    t.diagnostic(`messages: ${CASES}; replies: ${replies().length} (ok: ${replies().filter((r) => r.type === 'reply' && r.ok).length}); dropped without an id: ${dropped}; failures: ${failures.length}`);
    assert.equal(replies().length + dropped, CASES, 'every message is answered or, without a readable id, logged as dropped');
    assert.deepEqual(failures.slice(0, 10), [], `seed ${SEED}: ${failures.length} failures`);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');

    send({ type: 'request', id: CASES + 1, method: 'graph.validate', params: VALID['graph.validate'] });
    for (const start = Date.now(); Date.now() - start < 10_000 && !got.some((r) => r.type === 'reply' && r.id === CASES + 1); ) await delay(10);
    const last = got.find((r) => r.type === 'reply' && r.id === CASES + 1);
    assert.ok(last?.type === 'reply' && last.ok, `the host answers a valid request: ${JSON.stringify(last)}`);
    assert.deepEqual(last.result, { diagnostics: [] });
  });
});
