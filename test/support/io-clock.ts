/**
 * A FakeClock for benchmarks and estimate tests whose simulated time must mean something: it
 * auto-advances only when no file-system request is in flight. A plain auto-advancing FakeClock
 * jumps to the earliest sleeper (e.g. the repository lock's 5-minute refresh) whenever a task
 * waits on disk I/O for a moment, which adds minutes of simulated time that no limit asked for.
 */
import { FakeClock } from '../../src/core/index.js';
import { T0 } from './backup-harness.js';

/** libuv requests that mean "work is on its way" (fs reads and writes, closes, stream writes). */
const IN_FLIGHT = /Req(Callback|Promise)?$|^(WriteWrap|ShutdownWrap)$/;

/** True while the process has file-system (or stream write) requests pending. */
export function ioInFlight(): boolean {
  return process.getActiveResourcesInfo().some((r) => IN_FLIGHT.test(r));
}

export function ioAwareClock(startMs = T0): FakeClock {
  return new FakeClock(startMs, { autoAdvance: true, idle: () => !ioInFlight() });
}
