import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROTOCOL_VERSION } from '../../engine/protocol/messages.ts';
import { CONNECT_MESSAGE, EngineSupervisor, type EngineClient, type EngineProcess, type HostStatus } from '../../electron/main/engine-supervisor.ts';
import { mainStrings } from '../../electron/main/strings.ts';

/** A MessagePortMain stand-in: which channel, which end. */
interface FakePort {
  readonly channel: number;
  readonly end: 1 | 2;
}

class FakeProcess implements EngineProcess<FakePort> {
  pid: number | undefined = undefined;
  readonly posted: { message: unknown; transfer: FakePort[] }[] = [];
  killed = false;
  private readonly spawnListeners: (() => void)[] = [];
  private readonly exitListeners: ((code: number) => void)[] = [];

  constructor(private readonly nextPid: number) {}

  on(event: 'spawn', listener: () => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  on(event: 'spawn' | 'exit', listener: (() => void) | ((code: number) => void)): this {
    if (event === 'spawn') this.spawnListeners.push(listener as () => void);
    else this.exitListeners.push(listener as (code: number) => void);
    return this;
  }
  postMessage(message: unknown, transfer: FakePort[]): void {
    this.posted.push({ message, transfer });
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
  spawn(): void {
    this.pid = this.nextPid;
    for (const l of this.spawnListeners) l();
  }
  exit(code: number): void {
    this.pid = undefined;
    for (const l of this.exitListeners) l(code);
  }
}

class FakeWindow implements EngineClient<FakePort> {
  readonly statuses: HostStatus[] = [];
  readonly ports: FakePort[] = [];
  failPorts = false;
  constructor(readonly id: number) {}
  sendPort(port: FakePort): void {
    if (this.failPorts) throw new Error('Object has been destroyed');
    this.ports.push(port);
  }
  sendStatus(status: HostStatus): void {
    this.statuses.push(status);
  }
  get states() {
    return this.statuses.map((s) => s.state);
  }
}

function setup(options: { failFork?: () => boolean } = {}) {
  let now = 0;
  let channels = 0;
  const processes: FakeProcess[] = [];
  const timers: { run: () => void; ms: number; cancelled: boolean }[] = [];
  const logs: string[] = [];
  const supervisor = new EngineSupervisor<FakePort>({
    fork: () => {
      if (options.failFork?.()) throw new Error('engine-host.cjs is missing');
      const child = new FakeProcess(1000 + processes.length);
      processes.push(child);
      return child;
    },
    createChannel: () => {
      channels++;
      return { port1: { channel: channels, end: 1 }, port2: { channel: channels, end: 2 } };
    },
    strings: mainStrings.en,
    log: (m) => logs.push(m),
    now: () => now,
    setTimer: (run, ms) => {
      const timer = { run, ms, cancelled: false };
      timers.push(timer);
      return { cancel: () => (timer.cancelled = true) };
    },
  });
  const runTimer = () => {
    const timer = timers.at(-1);
    assert.ok(timer && !timer.cancelled, 'a restart is scheduled');
    timer.run();
  };
  return {
    supervisor,
    processes,
    timers,
    logs,
    runTimer,
    advance: (ms: number) => (now += ms),
    last: () => processes[processes.length - 1],
  };
}

describe('engine supervisor', () => {
  it('starts the host, then gives each loaded window its own channel: port1 to the host, port2 to the page', () => {
    const s = setup();
    const early = new FakeWindow(1);
    s.supervisor.addClient(early);
    s.supervisor.start();
    assert.equal(s.processes.length, 1);
    assert.deepEqual(early.states, ['starting', 'starting']);
    assert.deepEqual(early.ports, [], 'no port before the host is up');
    s.last().spawn();
    assert.deepEqual(early.statuses.at(-1), { type: 'host.status', state: 'ready', pid: 1000, protocol: PROTOCOL_VERSION, message: null });
    assert.deepEqual(early.ports, [{ channel: 1, end: 2 }]);
    assert.deepEqual(s.last().posted, [{ message: CONNECT_MESSAGE, transfer: [{ channel: 1, end: 1 }] }]);

    const late = new FakeWindow(2);
    s.supervisor.addClient(late);
    assert.deepEqual(late.statuses, [{ type: 'host.status', state: 'ready', pid: 1000, protocol: PROTOCOL_VERSION, message: null }]);
    assert.deepEqual(late.ports, [{ channel: 2, end: 2 }]);
    // A reload of the same window: a fresh channel.
    s.supervisor.addClient(late);
    assert.deepEqual(late.ports.at(-1), { channel: 3, end: 2 });
    assert.equal(s.last().posted.length, 3);
  });

  it('on a crash: crashed (with the exit code) → restarting → starting → ready, and new ports for every window', () => {
    const s = setup();
    const a = new FakeWindow(1);
    const b = new FakeWindow(2);
    s.supervisor.start();
    s.last().spawn();
    s.supervisor.addClient(a);
    s.supervisor.addClient(b);
    const first = s.last();
    const oldPorts = [...a.ports, ...b.ports];

    first.exit(134);
    assert.deepEqual(a.states.slice(-2), ['crashed', 'restarting']);
    const crashed = a.statuses.at(-2);
    assert.equal(crashed?.pid, null);
    assert.match(crashed?.message ?? '', /exit code 134/);
    assert.equal(s.processes.length, 1, 'waits before restarting');
    assert.equal(s.timers.at(-1)?.ms, 500);

    s.runTimer();
    assert.equal(s.processes.length, 2);
    assert.equal(a.states.at(-1), 'starting');
    s.last().spawn();
    assert.deepEqual(a.statuses.at(-1), { type: 'host.status', state: 'ready', pid: 1001, protocol: PROTOCOL_VERSION, message: null });
    assert.deepEqual(b.statuses.at(-1), { type: 'host.status', state: 'ready', pid: 1001, protocol: PROTOCOL_VERSION, message: null });
    const newPorts = [a.ports.at(-1), b.ports.at(-1)];
    for (const port of newPorts) assert.ok(port && !oldPorts.some((old) => old.channel === port.channel), 'a new channel');
    assert.equal(s.last().posted.length, 2, 'the new host gets one port per window');
    assert.equal(first.posted.length, 2, 'the dead host gets nothing more');
  });

  it('backs off longer after each crash in a row', () => {
    const s = setup();
    s.supervisor.start();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      s.last().spawn();
      s.advance(1000);
      s.last().exit(1);
      delays.push(s.timers.at(-1)?.ms ?? -1);
      s.runTimer();
    }
    assert.deepEqual(delays, [500, 1000, 2000, 4000]);
  });

  it('gives up after 5 crashes within 30 s: stopped, and no more restarts', () => {
    const s = setup();
    const w = new FakeWindow(1);
    s.supervisor.addClient(w);
    s.supervisor.start();
    for (let crash = 1; crash <= 5; crash++) {
      s.last().spawn();
      s.advance(2000);
      s.last().exit(139);
      if (crash < 5) s.runTimer();
    }
    assert.equal(s.processes.length, 5);
    assert.deepEqual(w.states.slice(-2), ['crashed', 'stopped']);
    assert.equal(s.supervisor.status.state, 'stopped');
    assert.match(w.statuses.at(-1)?.message ?? '', /5 times within 30 seconds/);
    const timersBefore = s.timers.length;
    s.advance(60_000);
    assert.equal(s.timers.length, timersBefore, 'nothing scheduled');
    assert.equal(s.processes.length, 5);
    // A window that loads now learns that the engine is stopped.
    const late = new FakeWindow(2);
    s.supervisor.addClient(late);
    assert.deepEqual(late.states, ['stopped']);
    assert.deepEqual(late.ports, []);
  });

  it('keeps restarting when crashes are spread out', () => {
    const s = setup();
    s.supervisor.start();
    for (let crash = 1; crash <= 10; crash++) {
      s.last().spawn();
      s.advance(10_000);
      s.last().exit(1);
      assert.equal(s.supervisor.status.state, 'restarting', `crash ${crash}`);
      s.runTimer();
    }
    assert.equal(s.processes.length, 11);
  });

  it('an exit while the app quits is not a crash', () => {
    const s = setup();
    const w = new FakeWindow(1);
    s.supervisor.addClient(w);
    s.supervisor.start();
    const child = s.last();
    child.spawn();
    s.supervisor.stop();
    assert.equal(child.killed, true);
    child.exit(0);
    assert.ok(!w.states.includes('crashed'));
    assert.equal(s.timers.length, 0);
  });

  it('stopping cancels a pending restart', () => {
    const s = setup();
    s.supervisor.start();
    s.last().spawn();
    s.last().exit(1);
    s.supervisor.stop();
    assert.equal(s.timers.at(-1)?.cancelled, true);
  });

  it('a host that cannot be started counts as a crash, with the reason', () => {
    let fail = true;
    const s = setup({ failFork: () => fail });
    const w = new FakeWindow(1);
    s.supervisor.addClient(w);
    s.supervisor.start();
    assert.match(w.statuses.find((st) => st.state === 'crashed')?.message ?? '', /engine-host\.cjs is missing/);
    assert.equal(w.states.at(-1), 'restarting');
    fail = false;
    s.runTimer();
    s.last().spawn();
    assert.equal(w.states.at(-1), 'ready');
    assert.equal(w.ports.length, 1);
  });

  it('a closed window hears nothing more, and one that fails to take its port does not stop the others', () => {
    const s = setup();
    const gone = new FakeWindow(1);
    const broken = new FakeWindow(2);
    const fine = new FakeWindow(3);
    broken.failPorts = true;
    for (const w of [gone, broken, fine]) s.supervisor.addClient(w);
    s.supervisor.removeClient(1);
    s.supervisor.start();
    s.last().spawn();
    assert.deepEqual(gone.states, ['starting']);
    assert.equal(fine.ports.length, 1);
    assert.ok(s.logs.some((m) => m.includes('window 2')));
  });
});
