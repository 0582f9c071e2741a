/**
 * The CLI's and long-running commands' Logger: one JSON object per line on standard error, every
 * message and field redacted (core/redact) before it is written.
 */
import { redact, redactValue, type Logger } from '../core/index.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

export function jsonLogger(
  write: (line: string) => void,
  options: { level?: string; now?: () => number; bindings?: Record<string, unknown> } = {},
): Logger {
  const min = Math.max(0, LEVELS.indexOf((options.level ?? 'info') as Level));
  const now = options.now ?? (() => Date.now());
  const bindings = options.bindings ?? {};
  const log =
    (level: Level) =>
    (message: string, fields: Record<string, unknown> = {}): void => {
      if (LEVELS.indexOf(level) < min) return;
      const entry = {
        time: new Date(now()).toISOString(),
        level,
        msg: redact(message),
        ...redactValue({ ...bindings, ...fields }),
      };
      write(JSON.stringify(entry));
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => jsonLogger(write, { ...options, bindings: { ...bindings, ...more } }),
  };
}
