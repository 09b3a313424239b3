/**
 * The Python that has PyTorch, for the tests that compare with real PyTorch: $RNN_STUDIO_PYTHON
 * when it is set (and then only it, so a wrong choice is reported rather than passed over), else
 * Debian's /usr/bin/python3 (where apt's python3-torch goes, which .ci/run installs), then python3
 * on PATH (often a pyenv or venv shim without torch).
 */
import { spawnSync } from 'node:child_process';

export type TorchPython = { ok: true; python: string; torch: string } | { ok: false; reason: string };

export function findTorchPython(): TorchPython {
  const chosen = process.env.RNN_STUDIO_PYTHON;
  const candidates = chosen ? [chosen] : ['/usr/bin/python3', 'python3'];
  const tried: string[] = [];
  for (const python of candidates) {
    const run = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
    if (run.error) {
      tried.push(`${python}: ${(run.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : run.error.message}`);
      continue;
    }
    if (run.status === 0) return { ok: true, python, torch: run.stdout.trim() };
    const last = run.stderr.trim().split('\n').pop() ?? `exit status ${run.status}`;
    tried.push(`${python}: ${last}`);
  }
  return { ok: false, reason: `no Python with torch (install python3-torch, or set RNN_STUDIO_PYTHON): ${tried.join('; ')}` };
}
