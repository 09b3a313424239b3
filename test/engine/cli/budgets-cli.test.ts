/**
 * The CLI's budgets and Ctrl-C, as a user meets them: a child process, its exit code and stderr.
 * A compile over the steps budget and a graph over the parameter budget end with exit 1 and one
 * line naming the limit and how to raise it; Ctrl-C while a large dataset is generated, a long
 * graph compiles or a large model initialises stops the command with exit 130.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'rnn-cli-budgets-'));
const env = { ...process.env, FORCE_COLOR: '0' };
// A bound on a child that does not refuse: without the budgets it would run for minutes.
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/rnn-studio.js', ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, stderr: r.stderr };
};

interface Doc {
  nodes: { id: string; type: string; params: Record<string, unknown>; position: { x: number; y: number } }[];
  edges: { id: string; source: string; sourcePort: string; target: string; targetPort: string }[];
  dataset: { params: Record<string, unknown> };
}
const adding = () => JSON.parse(readFileSync('templates/adding-lstm.rnn.json', 'utf8')) as Doc;
const save = (name: string, doc: Doc) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(doc));
  return path;
};

/** Runs the CLI, sends SIGINT once stderr matches `when`, and returns how it exited. */
async function interrupt(args: string[], when: RegExp, extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/rnn-studio.js', ...args], { env: { ...env, ...extraEnv } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // The child may end without printing `when` (it must not then hang the test): no signal is sent.
  const seen = await Promise.race([
    new Promise<true>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (when.test(stderr)) resolve(true);
      }),
    ),
    exited.then(() => false as const),
  ]);
  assert.ok(seen, `the command ended before printing ${when}:\n${stderr}`);
  child.kill('SIGINT');
  const code = await exited;
  return { code, stdout, stderr };
}

describe('rnn-studio budgets', () => {
  it('compile --steps 10000000: exit 1 at once, one line naming the limit and how to raise it', () => {
    const r = run('compile', 'templates/adding-lstm.rnn.json', '--steps', '10000000');
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^rnn-studio: unrolling 10,000,000 steps exceeds the limit of 10,000 steps per compile; raise it with --max-steps on the command line or the RNN_STUDIO_MAX_STEPS environment variable/);
  });

  it('validate of 4096 units × 8 layers: exit 1, the parameter count and the limit', () => {
    const g = adding();
    const lstm = g.nodes.find((n) => n.type === 'lstm')!;
    const layers = Array.from({ length: 8 }, (_, i) => ({ ...lstm, id: `l${i + 1}`, params: { units: 4096, returnSequences: i < 7 } }));
    g.nodes = [...g.nodes.filter((n) => n.type !== 'lstm'), ...layers];
    g.edges = g.edges.map((e) => ({ ...e, source: e.source === 'lstm' ? 'l8' : e.source, target: e.target === 'lstm' ? 'l1' : e.target }));
    for (let i = 1; i < 8; i++) g.edges.push({ id: `s${i}`, source: `l${i}`, sourcePort: 'out', target: `l${i + 1}`, targetPort: 'in' });
    const path = save('deep.rnn.json', g);
    const r = run('validate', path);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error too-large: the graph has 1,006,800,897 parameters, more than the limit of 200,000,000 .*--max-parameters/);
    assert.equal(run('validate', path, '--max-parameters', '2000000000').code, 0);
  });

  it('Ctrl-C while the weights initialise: the run stops with a message and exit 130', async () => {
    const g = adding();
    g.nodes.find((n) => n.type === 'lstm')!.params.units = 1024;
    g.dataset.params.samples = 64;
    const { code, stderr } = await interrupt(['train', save('large.rnn.json', g)], /initialising the weights/);
    assert.equal(code, 130, stderr);
    assert.match(stderr, /stopping…/);
    assert.match(stderr, /rnn-studio: stopped: .*large\.rnn\.json: stopped while initialising the weights/);
    assert.doesNotMatch(stderr, /^training /m, 'it never started training');
  });

  it('Ctrl-C while the graph compiles: exit 130, naming the phase, and no result', async () => {
    const { code, stderr, stdout } = await interrupt(['compile', 'templates/adding-lstm.rnn.json', '--steps', '10000'], /compiling the graph: \d+%/);
    assert.equal(code, 130, stderr);
    assert.match(stderr, /rnn-studio: stopped: templates\/adding-lstm\.rnn\.json: stopped while compiling the graph/);
    assert.equal(stdout, '', 'nothing compiled is printed');
  });

  it('Ctrl-C while the dataset is generated: exit 130, naming the phase, before compiling', async () => {
    const g = adding();
    g.dataset.params = { length: 8, samples: 1_000_000, seed: 1 };
    // Progress printed from the first slice on, so the signal comes while the dataset is generated however fast the machine.
    const { code, stderr } = await interrupt(['train', save('many.rnn.json', g)], /generating the dataset: \d+%/, { RNN_STUDIO_PROGRESS_AFTER_MS: '0' });
    assert.equal(code, 130, stderr);
    assert.match(stderr, /rnn-studio: stopped: .*many\.rnn\.json: stopped while generating the dataset/);
    assert.doesNotMatch(stderr, /compiling|^training /m, 'it stopped before compiling');
  });
});
