/**
 * One progress event stream for every long job (backup, restore, check, prune, generation).
 * Engines emit events to a ProgressSink; renderers turn them into TTY bars (cli), NDJSON lines
 * (`--json`) or server-sent events (server). Events are plain JSON: no classes, no functions.
 */
export type ProgressEvent =
  | { type: 'start'; job: string; at: number; estimate?: { points?: number; durationMs?: number; items?: number } }
  | {
      type: 'phase';
      job: string;
      phase: string;
      at: number;
      total?: number;
      unit?: string;
      /** What the whole job is expected to cost and take, as known when this phase starts. */
      estimate?: { points?: number; durationMs?: number };
    }
  | {
      type: 'progress';
      job: string;
      phase: string;
      at: number;
      done: number;
      total?: number;
      unit?: string;
      points?: number;
      bytes?: number;
      etaMs?: number;
    }
  | { type: 'paused'; job: string; at: number; reason: string; untilMs: number }
  | { type: 'resumed'; job: string; at: number }
  | { type: 'warning'; job: string; at: number; message: string; details?: Record<string, unknown> }
  | { type: 'log'; job: string; at: number; level: 'debug' | 'info'; message: string }
  | { type: 'done'; job: string; at: number; summary: Record<string, unknown> }
  | { type: 'failed'; job: string; at: number; error: { kind: string; message: string; hint?: string } };

export interface ProgressSink {
  emit(event: ProgressEvent): void;
}

export const nullSink: ProgressSink = { emit: () => undefined };

/** Keeps every event (tests, reports). */
export class CollectingSink implements ProgressSink {
  readonly events: ProgressEvent[] = [];
  emit(event: ProgressEvent): void {
    this.events.push(event);
  }
  ofType<T extends ProgressEvent['type']>(type: T): Array<Extract<ProgressEvent, { type: T }>> {
    return this.events.filter((e): e is Extract<ProgressEvent, { type: T }> => e.type === type);
  }
}

export function fanOut(...sinks: ProgressSink[]): ProgressSink {
  return { emit: (e) => sinks.forEach((s) => s.emit(e)) };
}
