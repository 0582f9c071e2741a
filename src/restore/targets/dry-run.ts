/**
 * DryRunTarget: records the requests apply would send (method, path, body summary) and fabricates
 * the outputs later steps refer to (issue ids and keys `DRY-1`…, comment ids, media ids), so
 * `--dry-run` shows exactly what a run would write, in order, without touching the site. The
 * request shapes come from requests.ts, the same ones JiraTarget sends; kinds that depend on live
 * answers (transition paths, uploads, internal comments) are recorded as what they will send.
 */
import { TidemarkError } from '../../core/index.js';
import { fillRoute, splitRouteKey } from '../../jira/routes.js';
import type { BatchOutcome, ReadSource, ResolvedStep, RestoreTarget, StepOutputs } from '../ports.js';
import { adfToText, fixedRequests, issueCreateBody, str, withProvenanceStep } from './requests.js';

export interface DryRunRequest {
  step: string;
  method: string;
  path: string;
  /** A short JSON rendering of the body (long values cut). */
  body?: string;
}

const SUMMARY_MAX = 300;

function summarise(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  const s = JSON.stringify(body);
  return s.length > SUMMARY_MAX ? `${s.slice(0, SUMMARY_MAX - 1)}…` : s;
}

export class DryRunTarget implements RestoreTarget {
  readonly kind = 'dry-run' as const;
  readonly requests = { writes: 0, reads: 0 };
  readonly recorded: DryRunRequest[] = [];
  private next = 0;

  constructor(private readonly options: { keyPrefix?: string; notifyUsers?: boolean } = {}) {}

  private id(): string {
    this.next += 1;
    return String(900_000_000 + this.next);
  }

  private record(
    step: string,
    key: string,
    path: Record<string, string> | undefined,
    body: unknown,
    query?: Record<string, unknown>,
  ): void {
    const { method, route } = splitRouteKey(key);
    const qs = query
      ? `?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`
      : '';
    const b = summarise(body);
    this.recorded.push({
      step,
      method,
      path: `${fillRoute(route, path)}${qs}`,
      ...(b !== undefined ? { body: b } : {}),
    });
    this.requests.writes += 1;
  }

  apply(step: ResolvedStep, _readSource: ReadSource): Promise<StepOutputs> {
    const p = step.payload;
    if (step.kind === 'issue.transition') {
      const issue = str(p, 'issue', step);
      this.record(
        step.id,
        'POST /rest/api/3/issue/{issueIdOrKey}/transitions',
        { issueIdOrKey: issue },
        {
          toStatus: p.status,
          ...(p.resolution !== undefined ? { resolution: p.resolution } : {}),
          note: 'shortest workflow path from the live status, decided at apply',
        },
      );
      return Promise.resolve({});
    }
    if (step.kind === 'attachment.upload') {
      const issue = str(p, 'issue', step);
      if (!step.source) throw new TidemarkError('usage', `step ${step.id} names no snapshot file to upload`);
      this.record(
        step.id,
        'POST /rest/api/3/issue/{issueIdOrKey}/attachments',
        { issueIdOrKey: issue },
        {
          file: { filename: p.filename, mimeType: p.mimeType, size: p.size, from: step.source.path.join('/') },
        },
      );
      const id = this.id();
      return Promise.resolve({ id, mediaId: `dry-media-${id}` });
    }
    if (step.kind === 'comment.add' && p.internal === true) {
      const issue = str(p, 'issue', step);
      this.record(
        step.id,
        'POST /rest/servicedeskapi/request/{issueIdOrKey}/comment',
        { issueIdOrKey: issue },
        {
          body: adfToText(p.body),
          public: false,
        },
      );
      const id = this.id();
      // Then, as the Jira target does: the platform edit that puts back the rich body, and the properties.
      this.record(
        step.id,
        'PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id}',
        { issueIdOrKey: issue, id },
        { body: p.body, ...(p.visibility !== undefined ? { visibility: p.visibility } : {}) },
        this.options.notifyUsers === false ? { notifyUsers: false } : undefined,
      );
      for (const prop of withProvenanceStep(step))
        this.record(
          step.id,
          'PUT /rest/api/3/comment/{commentId}/properties/{propertyKey}',
          { commentId: id, propertyKey: prop.key },
          prop.value,
        );
      return Promise.resolve({ id });
    }
    for (const r of fixedRequests(step, this.options.notifyUsers ?? true)!)
      this.record(step.id, r.key, r.path, r.body, r.query);
    return Promise.resolve(this.fabricate(step));
  }

  applyBatch(steps: ResolvedStep[]): Promise<BatchOutcome[]> {
    this.record(steps.map((s) => s.id).join(','), 'POST /rest/api/3/issue/bulk', undefined, {
      issueUpdates: steps.map(issueCreateBody),
    });
    return Promise.resolve(steps.map((s) => ({ ok: true as const, outputs: this.fabricate(s) })));
  }

  /** Nothing was ever written by a dry run. */
  reconcile(): Promise<StepOutputs | undefined> {
    return Promise.resolve(undefined);
  }

  private fabricate(step: ResolvedStep): StepOutputs {
    switch (step.kind) {
      case 'issue.create': {
        const id = this.id();
        return { id, key: `${this.options.keyPrefix ?? 'DRY'}-${this.next}` };
      }
      case 'project.create':
        return { id: this.id(), key: String(step.payload.key) };
      case 'component.create':
      case 'version.create':
      case 'comment.add':
      case 'worklog.add':
      case 'sprint.create':
        return { id: this.id() };
      default:
        return {};
    }
  }
}
