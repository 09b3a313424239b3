/**
 * `rnn-studio serve` as a real child process on port 0: the page and its files, the WebSocket's
 * token and origin checks, requests relayed for several tabs at once, and the engine host killed
 * mid-request and mid-run, then restarted.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cspOfHtml, HEADER_ONLY_CSP, RENDERER_CSP } from '../../../engine/host/static-files.ts';
import { connectClient, openSocket, processIsGone, rawGet, startServe, type Served } from './serve-helpers.ts';
import { templateJson } from './harness.ts';

const root = mkdtempSync(join(tmpdir(), 'rnn-serve-'));
const workspace = join(root, 'workspace');
const renderer = join(root, 'renderer');
mkdirSync(workspace);
mkdirSync(join(renderer, 'assets'), { recursive: true });
const CSP = "default-src 'self'; connect-src 'self' ws://127.0.0.1:*";
writeFileSync(join(renderer, 'index.html'), `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${CSP}" /></head><body>app</body></html>\n`);
writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("app");\n');
writeFileSync(join(root, 'secret.txt'), 'not for the browser\n');
const env = { RNN_STUDIO_RENDERER_DIR: renderer };

let served: Served;
before(async () => {
  const s = await startServe(['--json', '--workspace', workspace], env);
  served = s;
  assert.deepEqual(JSON.parse(s.first), { type: 'listening', url: `http://127.0.0.1:${s.port}/?token=${s.token}`, port: s.port, token: s.token });
  assert.ok(s.port > 0 && s.token.length >= 32);
});
after(() => served?.stop());

describe('rnn-studio serve: the page', () => {
  it('serves the renderer with content types, nosniff and the page\'s own CSP plus frame-ancestors', async () => {
    const page = await rawGet(served.port, '/', { Host: `127.0.0.1:${served.port}` });
    assert.equal(page.status, 200);
    assert.match(page.body, /app/);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['content-security-policy'], `${CSP}; ${HEADER_ONLY_CSP}`);
    assert.match(page.headers['content-security-policy'] ?? '', /frame-ancestors 'none'$/);
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    const js = await rawGet(served.port, '/assets/app.js', { Host: `localhost:${served.port}` });
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal((await rawGet(served.port, '/assets/nope.js', { Host: `127.0.0.1:${served.port}` })).status, 404);
    assert.equal((await rawGet(served.port, '/', { Host: `127.0.0.1:${served.port}` }, 'POST')).status, 405);
  });

  it('nothing outside the renderer folder can be reached', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..\\secret.txt', '/%00']) {
      const r = await rawGet(served.port, path, { Host: `127.0.0.1:${served.port}` });
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(r.body, /not for the browser/, path);
    }
  });

  it('a foreign Host header (DNS rebinding) is refused', async () => {
    assert.equal((await rawGet(served.port, '/', { Host: `evil.example:${served.port}` })).status, 403);
  });

  it('the fallback CSP is the one renderer/index.html declares', () => {
    assert.equal(cspOfHtml(readFileSync('renderer/index.html', 'utf8')), RENDERER_CSP);
  });
});

describe('rnn-studio serve: the engine socket', () => {
  it('a wrong or missing token is refused with 401, a wrong or missing origin with 403', async () => {
    const { port, token, origin } = served;
    assert.equal((await openSocket(port, `?token=${token.slice(0, -1)}x`, { Origin: origin })).status, 401);
    assert.equal((await openSocket(port, '', { Origin: origin })).status, 401);
    assert.equal((await openSocket(port, `?token=${token}`, { Origin: 'http://evil.example' })).status, 403);
    assert.equal((await openSocket(port, `?token=${token}`, { Origin: `http://127.0.0.1:${port + 1}` })).status, 403);
    assert.equal((await openSocket(port, `?token=${token}`, {})).status, 403);
    const ok = await openSocket(port, `?token=${token}`, { Origin: `http://localhost:${port}` });
    assert.equal(ok.status, 101);
    if ('ws' in ok) ok.ws.close();
  });

  it('the right token and origin get host.status ready; requests from two tabs with the same ids go to the right tab', async () => {
    const a = connectClient(served.port, served.token, served.origin);
    const b = connectClient(served.port, served.token, served.origin);
    const ready = await a.status('ready');
    assert.ok(ready.pid !== null && ready.pid !== served.child.pid);
    assert.equal(ready.protocol, 1);
    await b.status('ready');
    // Both clients number their first request 1.
    const [ra, rb] = await Promise.all([a.client.call('templates.open', { id: 'sine-elman' }), b.client.call('templates.open', { id: 'adding-lstm' })]);
    assert.ok(ra.ok && rb.ok);
    assert.match(ra.value.documentPath, /sine-elman\.rnn\.json$/);
    assert.match(rb.value.documentPath, /adding-lstm\.rnn\.json$/);
    const bad = await a.client.call('files.read', { name: '../secret.txt' });
    assert.ok(!bad.ok && bad.error.code === 'bad-message');
    const written = await a.client.call('files.write', { name: 'from-the-browser.rnn.json', text: '{}\n' });
    assert.ok(written.ok);
    assert.equal(readFileSync(join(workspace, 'from-the-browser.rnn.json'), 'utf8'), '{}\n');
    assert.deepEqual([...a.client.problems, ...b.client.problems], []);
    a.close();
    b.close();
  });

  it('the host killed mid-request and mid-run: crashed, the request and the run fail, then ready with a new pid', async () => {
    const tab = connectClient(served.port, served.token, served.origin);
    const { pid } = await tab.status('ready');
    assert.ok(pid !== null);
    const graph = templateJson('weather-food-jordan.rnn.json');
    graph.training.epochs = 100_000;
    const started = await tab.client.call('train.start', { graph });
    assert.ok(started.ok);
    const { runId } = started.value;
    const stepped = () => tab.events.some((e) => e.type === 'train.steps' && e.runId === runId);
    while (!stepped()) await new Promise((r) => setTimeout(r, 10));

    // Stopped first, so the request below is certainly pending when the host dies.
    process.kill(pid, 'SIGSTOP');
    const seen = tab.statuses.length;
    const pending = tab.client.call('templates.list', {});
    await new Promise((r) => setTimeout(r, 150));
    process.kill(pid, 'SIGKILL');

    const crashed = await tab.status('crashed', seen);
    assert.match(crashed.message ?? '', /SIGKILL/);
    const reply = await pending;
    assert.ok(!reply.ok);
    assert.equal(reply.error.code, 'host-unavailable');
    assert.match(reply.error.message, /SIGKILL/);
    const end = tab.events.find((e) => e.type === 'train.ended' && e.runId === runId);
    assert.ok(end && end.type === 'train.ended');
    assert.equal(end.reason, 'failed');
    assert.match(end.message, /engine host stopped/);
    assert.ok(end.steps > 0);

    // A request sent while the host restarts waits for it.
    const duringRestart = tab.client.call('datasets.list', {});
    await tab.status('restarting', seen);
    const ready = await tab.status('ready', seen);
    assert.ok(ready.pid !== null && ready.pid !== pid);
    assert.ok(processIsGone(pid));
    const answered = await duringRestart;
    assert.ok(answered.ok, answered.ok ? '' : answered.error.message);
    assert.deepEqual(tab.statuses.slice(seen).map((s) => s.state), ['crashed', 'restarting', 'ready']);
    assert.ok((await tab.client.call('templates.list', {})).ok);
    tab.close();
  });
});

describe('rnn-studio serve: starting and stopping', () => {
  it('without --json the first line is the URL; SIGTERM stops the server and its host', async () => {
    const s = await startServe(['--workspace', workspace], env);
    assert.match(s.first, /^RNN Studio: http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const tab = connectClient(s.port, s.token, s.origin);
    const { pid } = await tab.status('ready');
    const { code } = await s.stop();
    assert.equal(code, 0);
    assert.ok(processIsGone(pid!), 'the engine host was stopped too');
  });

  it('a message over the limit closes its socket (1009) before the host sees it; the other tabs go on', async () => {
    const s = await startServe(['--json', '--workspace', workspace], { ...env, RNN_STUDIO_MAX_MESSAGE_MB: '1' });
    try {
      const big = connectClient(s.port, s.token, s.origin);
      const other = connectClient(s.port, s.token, s.origin);
      await big.status('ready');
      await other.status('ready');
      const refused = await big.client.call('files.write', { name: 'big.rnn.json', text: 'x'.repeat(2 ** 20 + 1) });
      assert.ok(!refused.ok);
      assert.match(refused.error.message, /1009/);
      assert.equal(existsSync(join(workspace, 'big.rnn.json')), false, 'nothing was written');
      const small = await other.client.call('files.write', { name: 'small.rnn.json', text: 'x'.repeat(2 ** 20 - 1024) });
      assert.ok(small.ok, 'a message under the limit is served');
      other.close();
    } finally {
      await s.stop();
    }
  });

  it('a malformed message limit is a one-line user error', async () => {
    await assert.rejects(startServe(['--workspace', workspace], { ...env, RNN_STUDIO_MAX_MESSAGE_MB: 'lots' }), /rnn-studio: RNN_STUDIO_MAX_MESSAGE_MB must be a positive whole number of MiB, got 'lots'\n$/);
  });

  it('a missing renderer build is a one-line user error', async () => {
    await assert.rejects(startServe(['--workspace', workspace], { RNN_STUDIO_RENDERER_DIR: join(root, 'no-build') }), /rnn-studio: the app is not built .*run `npm run build:renderer` first\n$/);
  });
});
