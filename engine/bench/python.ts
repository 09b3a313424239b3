/**
 * The Python that has a given package (torch, onnx), for the benchmarks and tests that compare with
 * real PyTorch or check with the onnx package: $RNN_STUDIO_PYTHON when it is set (and then only it,
 * so a wrong choice is reported rather than passed over), else Debian's /usr/bin/python3 (where
 * apt's python3-torch and python3-onnx go, which .ci/run installs), then python3 on PATH (often a
 * pyenv or venv shim without them).
 */
import { spawnSync } from 'node:child_process';

export type FoundPython = { ok: true; python: string; version: string } | { ok: false; reason: string };

const INSTALL: Record<string, string> = { torch: 'python3-torch', onnx: 'python3-onnx' };

export function findPython(module: 'torch' | 'onnx'): FoundPython {
  const chosen = process.env.RNN_STUDIO_PYTHON;
  const candidates = chosen ? [chosen] : ['/usr/bin/python3', 'python3'];
  const tried: string[] = [];
  for (const python of candidates) {
    const run = spawnSync(python, ['-c', `import ${module}; print(${module}.__version__)`], { encoding: 'utf8', timeout: 120_000 });
    if (run.error) {
      tried.push(`${python}: ${(run.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : run.error.message}`);
      continue;
    }
    if (run.status === 0) return { ok: true, python, version: run.stdout.trim() };
    const last = run.stderr.trim().split('\n').pop() ?? `exit status ${run.status}`;
    tried.push(`${python}: ${last}`);
  }
  return { ok: false, reason: `no Python with ${module} (install ${INSTALL[module]}, or set RNN_STUDIO_PYTHON): ${tried.join('; ')}` };
}
