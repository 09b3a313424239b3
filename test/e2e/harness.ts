/**
 * End-to-end harness: starts `rnn-studio serve` on a free port with a fresh workspace, drives the
 * built renderer in Debian's Chromium through playwright-core, and moves the mouse as a person
 * does (pointer down, moves, pointer up). Screenshots go to test-results/e2e/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import WebSocket from 'ws';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join('test-results', 'e2e');

export interface Served {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly workspace: string;
  readonly process: ChildProcess;
  close(): Promise<void>;
}

/** Starts the server; resolves once it prints where it listens. */
export async function startServe(): Promise<Served> {
  const workspace = mkdtempSync(join(tmpdir(), 'rnn-studio-e2e-'));
  const child = spawn(process.execPath, ['bin/rnn-studio.js', 'serve', '--port', '0', '--json', '--workspace', workspace], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const listening = await new Promise<{ url: string; port: number; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 30 s\n${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}\n${stderr}`)));
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { type?: string; url?: string; port?: number; token?: string };
        if (msg.type === 'listening' && msg.url && msg.port && msg.token) {
          clearTimeout(timer);
          resolve({ url: msg.url, port: msg.port, token: msg.token });
        }
      } catch {
        // not a JSON line
      }
    });
  });
  return {
    ...listening,
    workspace,
    process: child,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/** The engine host's pid, read from `host.status` over the server's own WebSocket. */
export async function hostPid(served: Served): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${served.port}/engine?token=${served.token}`, { origin: `http://127.0.0.1:${served.port}` });
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no host.status within 10 s')), 10_000);
      ws.on('message', (data: WebSocket.RawData) => {
        const msg = JSON.parse(data.toString()) as { type: string; event?: { type: string; state: string; pid: number | null } };
        if (msg.type === 'event' && msg.event?.type === 'host.status' && msg.event.state === 'ready' && msg.event.pid) {
          clearTimeout(timer);
          resolve(msg.event.pid);
        }
      });
      ws.on('error', reject);
    });
  } finally {
    ws.close();
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page at 1440×900 with console errors collected. */
export async function openApp(browser: Browser, served: Served): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(served.url);
  await page.getByTestId('canvas').waitFor();
  await page.locator('[data-testid="host-status"][data-state="ready"]').waitFor({ timeout: 20_000 });
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${String(locator)} is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags with real pointer events: down, several moves, up. */
export async function dragMouse(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + (to.x - from.x) * 0.25, from.y + (to.y - from.y) * 0.25, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();
}

/** Drags a block from the palette onto the canvas at (dx, dy) from its top-left corner; returns the new node id. */
export async function dragBlock(page: Page, type: string, dx: number, dy: number): Promise<string> {
  const before = new Set(await page.locator('.react-flow__node').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-id') ?? '')));
  const canvas = await page.getByTestId('canvas').boundingBox();
  if (!canvas) throw new Error('canvas not visible');
  await dragMouse(page, await centre(page.getByTestId(`palette-item-${type}`)), { x: canvas.x + dx, y: canvas.y + dy });
  const handle = await page.waitForFunction(
    (known) => [...document.querySelectorAll('.react-flow__node')].map((n) => n.getAttribute('data-id') ?? '').find((id) => !known.includes(id)),
    [...before],
  );
  return (await handle.jsonValue()) as string;
}

export const handle = (page: Page, node: string, port: string, side: 'source' | 'target'): Locator =>
  page.locator(`.react-flow__node[data-id="${node}"] .react-flow__handle.${side}[data-handleid="${port}"]`);

/** Drags from an output handle to an input handle. */
export async function connect(page: Page, from: [string, string], to: [string, string]): Promise<void> {
  await dragMouse(page, await centre(handle(page, from[0], from[1], 'source')), await centre(handle(page, to[0], to[1], 'target')));
}

/** File > New: an empty graph (the start page's graph is unchanged, so no prompt). */
export async function newGraph(page: Page): Promise<void> {
  await page.getByTestId('menu-file').click();
  await page.getByTestId('menu-file-new').click();
  await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length === 0);
}
