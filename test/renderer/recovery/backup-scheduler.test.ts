/** When backups are written and removed: after a pause in editing, at most every few seconds during continuous edits, one at a time. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BackupScheduler } from '../../../renderer/recovery/backup-scheduler.ts';
import { fakeClock, settle } from './fake-timers.ts';

function setup(options: { failWrites?: boolean } = {}) {
  const clock = fakeClock(0);
  const log: string[] = [];
  const errors: unknown[] = [];
  /** Writes in flight, resolved by the test when `hold` is set. */
  const held: (() => void)[] = [];
  let hold = false;
  const scheduler = new BackupScheduler({
    timers: clock,
    delayMs: 1000,
    maxWaitMs: 4000,
    write: async () => {
      log.push(`write@${clock.now()}`);
      if (hold) await new Promise<void>((resolve) => held.push(resolve));
      log.push(`written@${clock.now()}`);
      if (options.failWrites) throw new Error('disk full');
    },
    remove: async () => {
      log.push(`remove@${clock.now()}`);
    },
    onError: (e) => errors.push(e),
  });
  return { clock, log, errors, scheduler, held, setHold: (h: boolean) => (hold = h) };
}

describe('backup scheduler', () => {
  it('writes once, a second after the last of several quick changes', async () => {
    const s = setup();
    s.scheduler.changed();
    await s.clock.advance(300);
    s.scheduler.changed();
    await s.clock.advance(300);
    s.scheduler.changed();
    await s.clock.advance(999);
    assert.deepEqual(s.log, []);
    await s.clock.advance(1);
    assert.deepEqual(s.log, ['write@1600', 'written@1600']);
    await s.clock.advance(10_000);
    assert.equal(s.log.length, 2, 'nothing more without a change');
  });

  it('during continuous edits writes at most every four seconds, and once more after they stop', async () => {
    const s = setup();
    for (let t = 0; t < 10_000; t += 250) {
      s.scheduler.changed();
      await s.clock.advance(250);
    }
    await s.clock.advance(5000);
    // The first write is due 4 s after the first change; the next window opens with the next change.
    assert.deepEqual(
      s.log.filter((l) => l.startsWith('write@')),
      ['write@4000', 'write@8000', 'write@10750'],
    );
  });

  it('a clean document drops the pending write, and removes a backup only once one was written', async () => {
    const s = setup();
    s.scheduler.changed();
    await s.clock.advance(500);
    s.scheduler.clean();
    await s.clock.advance(5000);
    assert.deepEqual(s.log, [], 'saved before the backup: nothing written, nothing to remove');

    s.scheduler.changed();
    await s.clock.advance(1000);
    s.scheduler.clean();
    s.scheduler.clean();
    await settle();
    assert.deepEqual(s.log, ['write@6500', 'written@6500', 'remove@6500']);
  });

  it('removes after a write still under way, and a change during a write is written after it', async () => {
    const s = setup();
    s.setHold(true);
    s.scheduler.changed();
    await s.clock.advance(1000);
    assert.deepEqual(s.log, ['write@1000']);
    s.scheduler.changed();
    s.scheduler.flush();
    await settle();
    assert.equal(s.log.length, 1, 'the second write waits for the first');
    s.scheduler.clean();
    s.setHold(false);
    s.held.shift()?.();
    await settle();
    await settle();
    assert.deepEqual(s.log, ['write@1000', 'written@1000', 'write@1000', 'written@1000', 'remove@1000']);
  });

  it('flush writes a pending change at once and resolves when it is written', async () => {
    const s = setup();
    s.scheduler.changed();
    assert.equal(s.scheduler.pending, true);
    await s.scheduler.flush();
    assert.deepEqual(s.log, ['write@0', 'written@0']);
    assert.equal(s.scheduler.pending, false);
    await s.clock.advance(5000);
    assert.equal(s.log.length, 2, 'the timer went with the flush');
  });

  it('reports a failing write once, not on every retry', async () => {
    const s = setup({ failWrites: true });
    for (let i = 0; i < 3; i++) {
      s.scheduler.changed();
      await s.clock.advance(1000);
    }
    assert.equal(s.log.filter((l) => l.startsWith('write@')).length, 3);
    assert.equal(s.errors.length, 1);
    assert.match(String(s.errors[0]), /disk full/);
  });

  it('a restored backup is removed when its document becomes clean, though this window never wrote it', async () => {
    const s = setup();
    s.scheduler.adopt();
    s.scheduler.clean();
    await settle();
    assert.deepEqual(s.log, ['remove@0']);
  });
});
