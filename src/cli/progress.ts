/**
 * Progress renderers: the CLI's three ways of showing the one progress event stream (core/progress).
 *
 * - `--json`: NDJSON on standard output, one event per line exactly as the engine emitted it
 *   (plain JSON, no ANSI), so scripts can follow a run and read its final `done` or `failed` event.
 * - A terminal (standard error is a TTY): cli-progress bars per phase with counts done/total,
 *   points spent, bytes stored and the ETA; a pause of the rate governor shows its reason and when
 *   the run resumes. Finished phases stay as one line each.
 * - Anything else (a pipe, a log file, CI): plain lines on standard error, at most one progress
 *   line per phase every two seconds of run time (by the events' own clock), plus every phase
 *   change, pause, resume and warning.
 */
import cliProgress from 'cli-progress';
import type { ProgressEvent, ProgressSink } from '../core/index.js';
import type { CliContext } from './context.js';
import { clean, formatBytes, formatCount, formatDuration } from './text.js';

export interface ProgressRenderer extends ProgressSink {
  /** Stops drawing (bars are left as they are). Safe to call twice. */
  close(): void;
}

export interface LiveFigures {
  /** Points spent so far (read while bars are drawn, between the engine's progress events). */
  points?: () => number | undefined;
}

/** Chooses the renderer: NDJSON with --json, bars on a terminal, plain lines otherwise. */
export function progressRenderer(
  ctx: CliContext,
  options: { json?: boolean },
  live: LiveFigures = {},
): ProgressRenderer {
  if (options.json) return ndjsonRenderer((line) => ctx.out(line));
  const stream = ctx.progressStream;
  if (stream?.isTTY && ctx.env.TERM !== 'dumb') return ttyRenderer(stream, live);
  return plainRenderer((line) => ctx.err(line));
}

/** One JSON object per line, per event. */
export function ndjsonRenderer(write: (line: string) => void): ProgressRenderer {
  return {
    emit: (event) => write(JSON.stringify(event)),
    close: () => undefined,
  };
}

function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19) + ' UTC';
}

function pauseText(e: Extract<ProgressEvent, { type: 'paused' }>): string {
  const wait = Math.max(0, e.untilMs - e.at);
  return `paused: ${clean(e.reason)}; resumes at ${clockTime(e.untilMs)} (in ${formatDuration(wait)})`;
}

function countsText(done: number, total: number | undefined, unit: string | undefined): string {
  const u = unit ? ` ${clean(unit)}` : '';
  if (total === undefined) return `${formatCount(done)}${u}`;
  const pct = total > 0 ? ` (${Math.floor((done / total) * 100)}%)` : '';
  return `${formatCount(done)}/${formatCount(total)}${u}${pct}`;
}

function extrasText(e: { points?: number; bytes?: number; etaMs?: number }): string {
  const parts: string[] = [];
  if (e.points !== undefined) parts.push(`${formatCount(e.points)} points`);
  if (e.bytes !== undefined && e.bytes > 0) parts.push(formatBytes(e.bytes));
  if (e.etaMs !== undefined) parts.push(`ETA ${formatDuration(e.etaMs)}`);
  return parts.length > 0 ? ` · ${parts.join(' · ')}` : '';
}

/** Plain lines for logs and pipes. */
export function plainRenderer(write: (line: string) => void, options: { intervalMs?: number } = {}): ProgressRenderer {
  const interval = options.intervalMs ?? 2_000;
  let started = 0;
  let lastPrinted = -Infinity;
  let phaseShown = '';
  return {
    emit(e) {
      switch (e.type) {
        case 'start': {
          started = e.at;
          const est = e.estimate;
          const bits: string[] = [];
          if (est?.items !== undefined) bits.push(`${formatCount(est.items)} items`);
          if (est?.points !== undefined) bits.push(`~${formatCount(est.points)} points`);
          if (est?.durationMs !== undefined) bits.push(`~${formatDuration(est.durationMs)}`);
          write(`${clean(e.job)} started${bits.length > 0 ? ` (estimate: ${bits.join(', ')})` : ''}`);
          break;
        }
        case 'phase': {
          phaseShown = e.phase;
          lastPrinted = -Infinity;
          const est: string[] = [];
          if (e.estimate?.points !== undefined) est.push(`~${formatCount(e.estimate.points)} points`);
          if (e.estimate?.durationMs !== undefined) est.push(`~${formatDuration(e.estimate.durationMs)} in all`);
          write(
            `${clean(e.job)}: ${clean(e.phase)}${e.total !== undefined ? ` (${formatCount(e.total)}${e.unit ? ` ${clean(e.unit)}` : ''})` : ''}${est.length > 0 ? ` — estimate ${est.join(', ')}` : ''}`,
          );
          break;
        }
        case 'progress': {
          const complete = e.total !== undefined && e.done >= e.total;
          if (!complete && e.at - lastPrinted < interval && phaseShown === e.phase) break;
          lastPrinted = e.at;
          phaseShown = e.phase;
          write(`  ${clean(e.phase)} ${countsText(e.done, e.total, e.unit)}${extrasText(e)}`);
          break;
        }
        case 'paused':
          write(`  ${pauseText(e)}`);
          break;
        case 'resumed':
          write('  resumed');
          break;
        case 'warning':
          write(`warning: ${clean(e.message)}`);
          break;
        case 'log':
          if (e.level === 'info') write(clean(e.message));
          break;
        case 'done':
          write(`${clean(e.job)} finished in ${formatDuration(e.at - (started || e.at))}`);
          break;
        case 'failed':
          // The command reports the error itself (message and hint).
          break;
      }
    },
    close: () => undefined,
  };
}

interface BarPayload {
  phase: string;
  unit: string;
  points?: number;
  bytes?: number;
  etaMs?: number;
  paused?: string;
  counted: boolean;
}

const BAR_WIDTH = 28;

function barLine(value: number, total: number, p: BarPayload, elapsedMs: number): string {
  const phase = clean(p.phase).padEnd(14).slice(0, 14);
  let middle: string;
  if (p.counted && total > 0) {
    const filled = Math.max(0, Math.min(BAR_WIDTH, Math.round((value / total) * BAR_WIDTH)));
    middle = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${countsText(value, total, p.unit)}`;
  } else if (p.counted) {
    middle = countsText(value, undefined, p.unit);
  } else {
    middle = `… ${formatDuration(elapsedMs)}`;
  }
  const extras = p.paused ? ` · ${p.paused}` : extrasText(p);
  return `${phase} ${middle}${extras}`;
}

/** Bars on a terminal (cli-progress), one per phase; finished phases stay as a line. */
export function ttyRenderer(stream: NodeJS.WriteStream, live: LiveFigures = {}): ProgressRenderer {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: (_options, params, payload) => {
        const p = payload as BarPayload;
        const points = live.points?.();
        return barLine(
          params.value,
          params.total,
          points !== undefined ? { ...p, points } : p,
          Date.now() - params.startTime,
        );
      },
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      gracefulExit: false,
      linewrap: false,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  let payload: BarPayload = { phase: '', unit: '', counted: false };
  let value = 0;
  let total = 0;
  let phaseStarted = 0;
  let closed = false;

  const finishPhase = (at: number): void => {
    if (!bar) return;
    const counted = payload.counted ? ` ${countsText(value, total > 0 ? total : undefined, payload.unit)}` : '';
    multi.log(`✓ ${clean(payload.phase)}${counted} (${formatDuration(at - phaseStarted)})\n`);
    multi.remove(bar);
    bar = undefined;
  };

  return {
    emit(e) {
      if (closed) return;
      switch (e.type) {
        case 'phase':
          finishPhase(e.at);
          phaseStarted = e.at;
          value = 0;
          total = e.total ?? 0;
          payload = {
            ...payload,
            phase: e.phase,
            unit: e.unit ?? '',
            counted: e.total !== undefined,
            etaMs: undefined,
            paused: undefined,
          } as BarPayload;
          bar = multi.create(total, 0, payload);
          break;
        case 'progress':
          value = e.done;
          if (e.total !== undefined) total = e.total;
          payload = {
            ...payload,
            counted: true,
            unit: e.unit ?? payload.unit,
            ...(e.points !== undefined ? { points: e.points } : {}),
            ...(e.bytes !== undefined ? { bytes: e.bytes } : {}),
            ...(e.etaMs !== undefined ? { etaMs: e.etaMs } : {}),
          };
          if (!bar) {
            phaseStarted = e.at;
            payload.phase = e.phase;
            bar = multi.create(total, value, payload);
          } else {
            if (e.total !== undefined) bar.setTotal(e.total);
            bar.update(value, payload);
          }
          multi.update(); // draw now: progress events are rare, the timer only animates between them
          break;
        case 'paused':
          payload = { ...payload, paused: pauseText(e) };
          bar?.update(value, payload);
          if (!bar) multi.log(`${pauseText(e)}\n`);
          multi.update();
          break;
        case 'resumed':
          payload = { ...payload, paused: undefined } as BarPayload;
          bar?.update(value, payload);
          break;
        case 'warning':
          multi.log(`warning: ${clean(e.message)}\n`);
          break;
        case 'log':
          if (e.level === 'info') multi.log(`${clean(e.message)}\n`);
          break;
        case 'done':
        case 'failed':
          finishPhase(e.at);
          break;
        case 'start':
          break;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      multi.stop();
    },
  };
}
