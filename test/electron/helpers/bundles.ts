/** Runs scripts/build-electron.mjs into a temporary folder, as `npm run build` runs it into dist/electron. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');

/** Builds all bundles, or only the ones named (main, preload, engine-host). */
export function buildElectronBundles(only?: readonly string[]): { outDir: string; stdout: string; stderr: string } {
  const outDir = mkdtempSync(join(tmpdir(), 'rnn-electron-build-'));
  const args = [join(repoRoot, 'scripts', 'build-electron.mjs'), '--outdir', outDir, ...(only ? ['--only', only.join(',')] : [])];
  const run = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`build-electron.mjs failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return { outDir, stdout: run.stdout, stderr: run.stderr };
}

/** The modules a CommonJS bundle from esbuild requires at run time. */
export function requiredModules(code: string): string[] {
  return [...new Set([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]))].sort();
}

const builtins = new Set(builtinModules);
export const isNodeBuiltin = (id: string) => builtins.has(id.replace(/^node:/, ''));
