/**
 * Control API for rate limits, faults, the meter, the clock and runtime settings (active only when
 * the simulator has control on). Paths are relative to {base}/__sim:
 *
 *   GET   /limits               settings and pool usage
 *   PUT   /limits               replace: {"preset"?: "realistic"|"unlimited", ...settings patch}
 *   PATCH /limits               merge a settings patch into the settings in force
 *   POST  /limits/reset         forget pool usage, burst buckets and per-issue windows
 *   GET   /faults               fault settings
 *   PUT   /faults               replace (defaults + body); restarts the generator from the seed
 *   PATCH /faults               merge into the settings in force; restarts the generator
 *   GET   /meter                counters; ?log=1 adds the request log as "records"
 *   POST  /meter/reset          clear counters and log
 *   GET   /clock                {now, iso, offsetMs}
 *   POST  /clock/advance        {"ms": n} moves the simulator's time forward
 *   GET   /settings             runtime settings ({indexLagMs})
 *   PUT   /settings             {"indexLagMs": n}
 */
import { TidemarkError } from '../../core/index.js';
import type { FaultPatch } from '../faults/engine.js';
import { jsonResponse } from '../http/respond.js';
import { faultsOf, limitsOf, meterOf, offsetClockOf } from '../limits/parts.js';
import { LIMIT_PRESETS, type LimitPreset, type LimitsPatch } from '../limits/settings.js';
import type { ControlHandler, JiraSimulator } from '../simulator.js';

type Handler = (req: Request, url: URL) => Promise<unknown> | unknown;

export function limitsControl(sim: JiraSimulator): ControlHandler {
  const routes: Record<string, Handler> = {
    'GET /limits': () => limitsOf(sim).state(),
    'PUT /limits': async (req) => {
      const body = await objectBody(req);
      const { preset, ...patch } = body;
      if (preset !== undefined && !(typeof preset === 'string' && preset in LIMIT_PRESETS))
        throw usage(
          `unknown preset ${JSON.stringify(preset)}; expected one of ${Object.keys(LIMIT_PRESETS).join(', ')}`,
        );
      limitsOf(sim).replace(patch as LimitsPatch, (preset as LimitPreset | undefined) ?? 'realistic');
      return limitsOf(sim).state();
    },
    'PATCH /limits': async (req) => {
      limitsOf(sim).configure((await objectBody(req)) as LimitsPatch);
      return limitsOf(sim).state();
    },
    'POST /limits/reset': () => {
      limitsOf(sim).resetUsage();
      return limitsOf(sim).state();
    },
    'GET /faults': () => faultsOf(sim).settings,
    'PUT /faults': async (req) => faultsOf(sim).replace((await objectBody(req)) as FaultPatch),
    'PATCH /faults': async (req) => faultsOf(sim).configure((await objectBody(req)) as FaultPatch),
    'GET /meter': (_req, url) => {
      const meter = meterOf(sim);
      const log = url.searchParams.get('log');
      return log === '1' || log === 'true' ? { ...meter.counters(), records: meter.log() } : meter.counters();
    },
    'POST /meter/reset': () => {
      meterOf(sim).reset();
      return meterOf(sim).counters();
    },
    'GET /clock': () => clockState(sim),
    'POST /clock/advance': async (req) => {
      const clock = offsetClockOf(sim);
      if (!clock) throw usage('this simulator runs on a clock that cannot be advanced (not an OffsetClock)');
      const { ms } = await objectBody(req);
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
        throw usage('expected {"ms": n} with n a non-negative number: the clock only moves forward');
      clock.advance(ms);
      return clockState(sim);
    },
    'GET /settings': () => ({ ...sim.settings }),
    'PUT /settings': async (req) => {
      const body = await objectBody(req);
      for (const key of Object.keys(body)) if (key !== 'indexLagMs') throw usage(`unknown setting ${key}`);
      const lag = body.indexLagMs;
      if (lag !== undefined) {
        if (typeof lag !== 'number' || !Number.isFinite(lag) || lag < 0)
          throw usage('indexLagMs must be a non-negative number of milliseconds');
        sim.settings.indexLagMs = lag;
      }
      return { ...sim.settings };
    },
  };

  return async (method, path, req) => {
    const handler = routes[`${method.toUpperCase()} ${path}`];
    if (!handler) return undefined;
    try {
      return jsonResponse(200, await handler(req, new URL(req.url)));
    } catch (e) {
      if (e instanceof TidemarkError && e.kind === 'usage') return jsonResponse(400, { error: e.message });
      throw e;
    }
  };
}

function clockState(sim: JiraSimulator): { now: number; iso: string; offsetMs: number; adjustable: boolean } {
  const clock = offsetClockOf(sim);
  const now = sim.clock.now();
  return { now, iso: new Date(now).toISOString(), offsetMs: clock?.offsetMs ?? 0, adjustable: clock !== undefined };
}

function usage(message: string): TidemarkError {
  return new TidemarkError('usage', message);
}

async function objectBody(req: Request): Promise<Record<string, unknown>> {
  const text = await req.text();
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw usage('the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usage('expected a JSON object');
  return value as Record<string, unknown>;
}
