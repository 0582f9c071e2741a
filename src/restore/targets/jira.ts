/**
 * JiraTarget: applies restore steps to a Jira Cloud site through a JiraClient (docs/design.md §9).
 * Simple kinds send the requests of requests.ts; this file adds what needs the target's answers:
 * bulk create, the shortest transition path to a status (transitions.ts), attachment upload with
 * the media id read from the content redirect, internal JSM comments (then their rich body and
 * their properties through the platform API).
 * Per-issue writes name their target issue, so the client's governor paces them (§5.4).
 * Reconciliation of started steps lives in reconcile.ts.
 */
import { TidemarkError } from '../../core/index.js';
import { JiraError, type JiraClient } from '../../jira/index.js';
import type { BatchOutcome, ReadSource, ReconcileContext, ResolvedStep, RestoreTarget, StepOutputs } from '../ports.js';
import { reconcileStep } from './reconcile.js';
import {
  adfToText,
  fixedRequests,
  issueCreateBody,
  str,
  withoutRefusedFields,
  withProvenanceStep,
  type WriteRequest,
} from './requests.js';
import { transitionTo } from './transitions.js';

type Json = Record<string, unknown>;

export interface JiraTargetOptions {
  client: JiraClient;
  /** Sends `notifyUsers=false` where Jira accepts it (needs admin rights on the real service). */
  notifyUsers?: boolean;
  signal?: AbortSignal;
}

/** A narrow, untyped view of the client: route keys are checked against the specs by JiraClient. */
export interface Caller {
  call(
    req: WriteRequest & { write: boolean; expectObjects?: number },
  ): Promise<{ status: number; headers: Headers; body: unknown }>;
  /** GET attachment content without following the redirect: the media id from Location. */
  mediaId(attachmentId: string, issue: string): Promise<string>;
}

/** Attachments held in memory for upload at once (the rest wait): bounds memory by the largest files. */
const UPLOADS_AT_ONCE = 4;

export class JiraTarget implements RestoreTarget, Caller {
  readonly kind = 'jira' as const;
  readonly requests = { writes: 0, reads: 0 };
  private uploading = 0;
  private readonly uploadWaiters: Array<() => void> = [];
  private readonly client: JiraClient;
  private readonly notifyUsers: boolean;
  private readonly signal: AbortSignal | undefined;
  /** State shared by the steps of one run (workflows read, provenance scans). */
  readonly cache = new Map<string, unknown>();

  constructor(options: JiraTargetOptions) {
    this.client = options.client;
    this.notifyUsers = options.notifyUsers ?? true;
    this.signal = options.signal;
  }

  async call(
    req: WriteRequest & { write: boolean; expectObjects?: number },
  ): Promise<{ status: number; headers: Headers; body: unknown }> {
    if (req.write) this.requests.writes++;
    else this.requests.reads++;
    const res = await this.client.request(
      req.key as never,
      {
        ...(req.path ? { path: req.path } : {}),
        ...(req.query ? { query: req.query } : {}),
        ...(req.body !== undefined ? { body: req.body } : {}),
        ...(req.issue ? { issue: req.issue } : {}),
        ...(req.write ? { retryRejected: true } : {}),
        ...(req.expectObjects !== undefined ? { expectObjects: req.expectObjects } : {}),
        ...(this.signal ? { signal: this.signal } : {}),
      } as never,
    );
    return { status: res.status, headers: res.headers, body: res.body as unknown };
  }

  async mediaId(attachmentId: string, issue: string): Promise<string> {
    this.requests.reads++;
    const res = await this.client.stream('GET /rest/api/3/attachment/content/{id}', {
      path: { id: attachmentId },
      query: { redirect: true },
      expectObjects: 1, // one attachment: its quota reservation is 2 points, not the unknown read's 101
      ...(this.signal ? { signal: this.signal } : {}),
    });
    await res.body?.cancel();
    const location = res.headers.get('location') ?? '';
    const m = /\/file\/([^/?#]+)\/binary/.exec(location);
    if (!m)
      throw new TidemarkError(
        'server',
        `attachment ${attachmentId} of issue ${issue}: the content answer named no media file`,
      );
    return decodeURIComponent(m[1]!);
  }

  async apply(step: ResolvedStep, readSource: ReadSource): Promise<StepOutputs> {
    const p = step.payload;
    switch (step.kind) {
      case 'issue.transition':
        await transitionTo(this, step);
        return {};
      case 'attachment.upload':
        return this.upload(step, readSource);
      case 'comment.add':
        if (p.internal === true) return this.internalComment(step);
        break;
      case 'issue.create':
        return this.createIssue(step);
      default:
        break;
    }
    const reqs = fixedRequests(step, this.notifyUsers)!;
    let last: unknown;
    for (const r of reqs) last = (await this.call({ ...r, write: true })).body;
    return outputsOf(step, last);
  }

  async applyBatch(steps: ResolvedStep[]): Promise<BatchOutcome[]> {
    // A 400 means no issue was created: the error fails every step of the batch.
    const res = await this.call({
      key: 'POST /rest/api/3/issue/bulk',
      body: { issueUpdates: steps.map(issueCreateBody) },
      write: true,
    });
    const body = res.body as { issues?: Array<{ id: string; key: string }>; errors?: BulkError[] };
    const failed = new Map<number, BulkError>();
    for (const err of body.errors ?? []) {
      if (err.failedElementNumber === undefined)
        // Answered 2xx: some issues of the batch may exist — 'server' makes the next run look first.
        throw new TidemarkError('server', `bulk create refused: ${bulkMessage(err)}`);
      failed.set(err.failedElementNumber, err);
    }
    const created = [...(body.issues ?? [])];
    const outcomes: BatchOutcome[] = [];
    for (const [n, s] of steps.entries()) {
      const err = failed.get(n);
      if (err) {
        // Fields Jira refused are kept in provenance and the issue is created without them.
        const retry = withoutRefusedFields(s, err.elementErrors?.errors ?? {});
        outcomes.push(
          retry
            ? await this.createIssue(retry).then(
                (outputs): BatchOutcome => ({ ok: true, outputs }),
                (e: unknown): BatchOutcome => ({ ok: false, error: e as Error }),
              )
            : { ok: false, error: new TidemarkError('validation', `${s.id}: ${bulkMessage(err)}`) },
        );
        continue;
      }
      const c = created.shift();
      outcomes.push(
        c
          ? { ok: true, outputs: { id: String(c.id), key: c.key } }
          : { ok: false, error: new TidemarkError('server', `${s.id}: the bulk create answered no issue for it`) },
      );
    }
    return outcomes;
  }

  /** One issue create; fields Jira refuses are kept in provenance and the create is tried once more without them. */
  private async createIssue(step: ResolvedStep, retried = false): Promise<StepOutputs> {
    try {
      const res = await this.call({ ...fixedRequests(step, this.notifyUsers)![0]!, write: true });
      return outputsOf(step, res.body);
    } catch (e) {
      const retry =
        !retried && e instanceof JiraError && e.status === 400 ? withoutRefusedFields(step, e.errors) : undefined;
      if (!retry) throw e;
      return this.createIssue(retry, true);
    }
  }

  reconcile(step: ResolvedStep, context: ReconcileContext = {}): Promise<StepOutputs | undefined> {
    return reconcileStep(this, step, context);
  }

  /** Runs an upload once fewer than UPLOADS_AT_ONCE hold their bytes in memory. */
  private async uploadSlot<T>(run: () => Promise<T>): Promise<T> {
    while (this.uploading >= UPLOADS_AT_ONCE) await new Promise<void>((r) => this.uploadWaiters.push(r));
    this.uploading += 1;
    try {
      return await run();
    } finally {
      this.uploading -= 1;
      this.uploadWaiters.shift()?.();
    }
  }

  private async upload(step: ResolvedStep, readSource: ReadSource): Promise<StepOutputs> {
    const issue = str(step.payload, 'issue', step);
    if (!step.source) throw new TidemarkError('usage', `step ${step.id} names no snapshot file to upload`);
    const id = await this.uploadSlot(() => this.sendAttachment(step, issue, readSource));
    return { id, mediaId: await afterFirstWrite(step, () => this.mediaId(id, issue)) };
  }

  /** Posts one attachment's bytes (held in memory: the client takes no streamed multipart body). */
  private async sendAttachment(step: ResolvedStep, issue: string, readSource: ReadSource): Promise<string> {
    // upload() checked step.source.
    const chunks: Uint8Array[] = [];
    for await (const c of readSource(step.source!.path)) chunks.push(c);
    const form = new FormData();
    const type = typeof step.payload.mimeType === 'string' ? step.payload.mimeType : 'application/octet-stream';
    form.append('file', new Blob(chunks, { type }), str(step.payload, 'filename', step));
    const res = await this.call({
      key: 'POST /rest/api/3/issue/{issueIdOrKey}/attachments',
      path: { issueIdOrKey: issue },
      body: form,
      issue,
      write: true,
    });
    const list = res.body as Array<{ id: string | number }>;
    const id = list[0]?.id;
    if (id === undefined) throw new TidemarkError('server', `step ${step.id}: the upload answered no attachment`);
    return String(id);
  }

  private async internalComment(step: ResolvedStep): Promise<StepOutputs> {
    const issue = str(step.payload, 'issue', step);
    const res = await this.call({
      key: 'POST /rest/servicedeskapi/request/{issueIdOrKey}/comment',
      path: { issueIdOrKey: issue },
      body: { body: adfToText(step.payload.body), public: false },
      issue,
      write: true,
    });
    const id = String((res.body as Json).id);
    await afterFirstWrite(step, () => this.finishInternalComment(step, issue, id));
    return { id };
  }

  private async finishInternalComment(step: ResolvedStep, issue: string, id: string): Promise<void> {
    // The JSM API takes the body as plain text: the platform API's edit puts back the rich
    // document (and a visibility restriction), and leaves the comment internal.
    await this.call({
      key: 'PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id}',
      path: { issueIdOrKey: issue, id },
      ...(this.notifyUsers ? {} : { query: { notifyUsers: false } }),
      body: {
        body: step.payload.body,
        ...(step.payload.visibility !== undefined ? { visibility: step.payload.visibility } : {}),
      },
      issue,
      write: true,
    });
    for (const prop of withProvenanceStep(step))
      await this.call({
        key: 'PUT /rest/api/3/comment/{commentId}/properties/{propertyKey}',
        path: { commentId: id, propertyKey: prop.key },
        body: prop.value,
        issue,
        write: true,
      });
  }
}

/**
 * Runs the rest of a step whose first write Jira already applied: any failure is reported as
 * `server` (ambiguous), so that the next run looks on the target before writing again (§9.4).
 */
async function afterFirstWrite<T>(step: ResolvedStep, rest: () => Promise<T>): Promise<T> {
  try {
    return await rest();
  } catch (e) {
    if (e instanceof TidemarkError && (e.kind === 'server' || e.kind === 'network' || e.kind === 'cancelled')) throw e;
    throw new TidemarkError('server', `step ${step.id}: written, but finishing it failed: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

interface BulkError {
  status?: number;
  failedElementNumber?: number;
  elementErrors?: { errorMessages?: string[]; errors?: Record<string, string> };
}

function bulkMessage(e: BulkError): string {
  const m = e.elementErrors ?? {};
  return (
    [...(m.errorMessages ?? []), ...Object.entries(m.errors ?? {}).map(([k, v]) => `${k}: ${v}`)].join('; ') ||
    'refused'
  );
}

function outputsOf(step: ResolvedStep, body: unknown): StepOutputs {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Json;
  switch (step.kind) {
    case 'project.create':
      return { id: String(b.id), key: String(b.key) };
    case 'issue.create':
      return { id: String(b.id), key: String(b.key) };
    case 'component.create':
    case 'version.create':
    case 'comment.add':
    case 'worklog.add':
    case 'sprint.create':
      return { id: String(b.id) };
    default:
      return {};
  }
}
