/**
 * The engine host as the packaged app runs it: the esbuild bundle (dist/electron/engine-host.cjs),
 * started as a child process, answering real requests and training on ONNX Runtime loaded through
 * require(). A bundling mistake (a module esbuild could not follow) shows here, not on a user's
 * machine.
 */
import assert from 'node:assert/strict';
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

// Inside the repository, as in the packaged app, so that require('onnxruntime-node') resolves.
mkdirSync('dist', { recursive: true });
const outDir = mkdtempSync(join('dist', 'test-host-bundle-'));
let host: ReturnType<typeof fork>;
const events: { type: string; [k: string]: unknown }[] = [];
const replies = new Map<number, (r: { ok: boolean; result?: unknown; error?: unknown }) => void>();
let nextId = 1;

function call(method: string, params: unknown): Promise<{ ok: boolean; result?: unknown; error?: unknown }> {
  const id = nextId++;
  return new Promise((resolve) => {
    replies.set(id, resolve);
    host.send({ type: 'request', id, method, params });
  });
}

async function until(predicate: () => boolean, what: string, ms = 60_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(() => {
  execFileSync(process.execPath, ['scripts/build-electron.mjs', '--outdir', outDir, '--only', 'engine-host'], { stdio: 'pipe' });
  host = fork(join(outDir, 'engine-host.cjs'), ['--templates', join(process.cwd(), 'templates'), '--workspace', join(process.cwd(), outDir)], { stdio: 'pipe' });
  host.on('message', (m: { type: string; id?: number; ok?: boolean; result?: unknown; error?: unknown; event?: { type: string } }) => {
    if (m.type === 'event' && m.event) events.push(m.event);
    if (m.type === 'reply' && m.id !== undefined) replies.get(m.id)?.({ ok: m.ok === true, result: m.result, error: m.error });
  });
});

after(() => {
  host?.kill();
  rmSync(outDir, { recursive: true, force: true });
});

test('the bundled engine host starts, lists templates and trains a template on ONNX Runtime', async () => {
  await until(() => events.some((e) => e.type === 'host.status' && e.state === 'ready'), 'host.status ready');
  const list = await call('templates.list', {});
  assert.equal(list.ok, true, JSON.stringify(list.error));
  const opened = await call('templates.open', { id: 'weather-food-jordan' });
  assert.equal(opened.ok, true, JSON.stringify(opened.error));
  const { text, documentPath } = opened.result as { text: string; documentPath: string };
  const graph = JSON.parse(text) as { training?: Record<string, unknown> };
  graph.training = { ...graph.training, epochs: 2 };
  const started = await call('train.start', { graph, documentPath, executor: 'onnxruntime' });
  assert.equal(started.ok, true, JSON.stringify(started.error));
  await until(() => events.some((e) => e.type === 'train.ended'), 'train.ended');
  const start = events.find((e) => e.type === 'train.started') as { executor: { name: string } } | undefined;
  assert.match(start?.executor.name ?? '', /onnxruntime/);
  const end = events.find((e) => e.type === 'train.ended') as unknown as { reason: string; steps: number; loss: number };
  assert.equal(end.reason, 'completed');
  assert.ok(end.steps > 0 && Number.isFinite(end.loss), `ended after ${end.steps} steps with loss ${end.loss}`);
  assert.ok(events.some((e) => e.type === 'train.steps'), 'step events were streamed');
});
