// A Node test reporter (see run-tests.mjs --durations): each test file's wall time, from its
// process starting to its last test ending, slowest first. The test runner reports every file as
// one top-level test named by its path.
import { relative } from 'node:path';

export default async function* testDurations(source) {
  const rows = [];
  for await (const event of source) {
    const { type, data } = event;
    if (type === 'test:complete' && data.file !== undefined && data.name === data.file) {
      rows.push({ file: relative(process.cwd(), data.file), ms: data.details.duration_ms, passed: data.details.passed });
    }
  }
  rows.sort((a, b) => b.ms - a.ms);
  const total = rows.reduce((sum, row) => sum + row.ms, 0);
  yield `\nwall time per test file (${rows.length} files, ${(total / 1000).toFixed(1)} s in all):\n`;
  for (const row of rows) yield `${(row.ms / 1000).toFixed(1).padStart(7)} s  ${row.file}${row.passed ? '' : '  (failed)'}\n`;
}
