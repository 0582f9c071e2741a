/**
 * An S3 (or S3-compatible) bucket prefix. Small files go up in one PutObject; bodies at or above
 * `multipartThreshold` bytes, and streams, go up as multipart uploads (lib-storage), which S3
 * completes atomically. Path-style addressing (`forcePathStyle`) serves MinIO, Ceph and s3rver.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { TidemarkError } from '../../core/index.js';
import {
  type Backend,
  type FileInfo,
  type GetOptions,
  type PutBody,
  checkName,
  checkPrefix,
  checkRange,
  notFound,
  shortRead,
  storageError,
} from './backend.js';

export interface S3BackendOptions {
  bucket: string;
  /** Key prefix inside the bucket (no leading or trailing slash); '' for the bucket root. */
  prefix?: string;
  /** An existing client, or the configuration to build one (endpoint, region, credentials, forcePathStyle). */
  client?: S3Client;
  clientConfig?: S3ClientConfig;
  /** Bodies of at least this many bytes use a multipart upload (default 8 MiB; S3's minimum part is 5 MiB). */
  multipartThreshold?: number;
  /** Part size of multipart uploads (default 8 MiB). */
  partSize?: number;
  /** Keys per ListObjectsV2 page (default 1000). */
  listPageSize?: number;
}

const MiB = 1024 * 1024;

export class S3Backend implements Backend {
  readonly location: string;
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private readonly listPageSize: number;

  constructor(options: S3BackendOptions) {
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.location = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    this.ownsClient = !options.client;
    this.client = options.client ?? new S3Client({ ...options.clientConfig });
    this.partSize = Math.max(5 * MiB, options.partSize ?? 8 * MiB);
    this.multipartThreshold = Math.max(this.partSize, options.multipartThreshold ?? 8 * MiB);
    this.listPageSize = options.listPageSize ?? 1000;
  }

  private key(name: string): string {
    checkName(name);
    return this.prefix ? `${this.prefix}/${name}` : name;
  }

  async put(name: string, body: PutBody): Promise<void> {
    const Key = this.key(name);
    try {
      if (body instanceof Uint8Array && body.byteLength < this.multipartThreshold) {
        await this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key, Body: body, ContentLength: body.byteLength }),
        );
        return;
      }
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key, Body: body instanceof Uint8Array ? body : Readable.from(body) },
        partSize: this.partSize,
        queueSize: 2,
        leavePartsOnError: false,
      });
      await upload.done();
    } catch (e) {
      throw mapS3Error(e, `could not write ${name} to ${this.location}`);
    }
  }

  async get(name: string, options?: GetOptions): Promise<Buffer> {
    const Key = this.key(name);
    const { offset, length } = checkRange(options);
    if (length === 0) {
      const { size } = await this.stat(name);
      if (offset > size) throw shortRead(this.location, name, 0, 0);
      return Buffer.alloc(0);
    }
    const Range =
      offset === 0 && length === undefined
        ? undefined
        : `bytes=${offset}-${length === undefined ? '' : offset + length - 1}`;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key, Range }));
      const bytes = Buffer.from((await res.Body?.transformToByteArray()) ?? new Uint8Array());
      if (length !== undefined && bytes.length !== length) throw shortRead(this.location, name, length, bytes.length);
      return bytes;
    } catch (e) {
      if (isStatus(e, 416) || errorName(e) === 'InvalidRange') throw shortRead(this.location, name, length ?? 0, 0);
      if (isNotFound(e)) throw notFound(this.location, name);
      throw mapS3Error(e, `could not read ${name} from ${this.location}`);
    }
  }

  async *list(prefix: string): AsyncIterable<FileInfo> {
    checkPrefix(prefix);
    const full = this.prefix ? `${this.prefix}/${prefix}` : prefix;
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: full,
            ContinuationToken: token,
            MaxKeys: this.listPageSize,
          }),
        );
      } catch (e) {
        throw mapS3Error(e, `could not list ${prefix} in ${this.location}`);
      }
      for (const obj of page.Contents ?? []) {
        if (obj.Key === undefined) continue;
        yield { name: obj.Key.slice(strip), size: obj.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async stat(name: string): Promise<FileInfo> {
    const Key = this.key(name);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return { name, size: res.ContentLength ?? 0 };
    } catch (e) {
      if (isNotFound(e)) throw notFound(this.location, name);
      throw mapS3Error(e, `could not stat ${name} in ${this.location}`);
    }
  }

  async delete(name: string): Promise<void> {
    const Key = this.key(name);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    } catch (e) {
      if (isNotFound(e)) return;
      throw mapS3Error(e, `could not delete ${name} in ${this.location}`);
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }
}

function errorName(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null ? (e as { name?: string; Code?: string }).name : undefined;
}

function isStatus(e: unknown, status: number): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === status
  );
}

function isNotFound(e: unknown): boolean {
  const name = errorName(e);
  return name === 'NoSuchKey' || name === 'NotFound' || isStatus(e, 404);
}

const TRANSIENT_NAMES = new Set([
  'SlowDown',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'InternalError',
  'ServiceUnavailable',
  'ThrottlingException',
  'TimeoutError',
]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

function mapS3Error(e: unknown, message: string): TidemarkError {
  if (e instanceof TidemarkError) return e;
  const name = errorName(e);
  const status = (e as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (name === 'NoSuchBucket') {
    return new TidemarkError('config', `${message}: the bucket does not exist`, {
      cause: e,
      hint: 'Create the bucket first.',
    });
  }
  if (name === 'AccessDenied' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || status === 403) {
    return new TidemarkError('storage', `${message}: access denied`, {
      cause: e,
      hint: 'Check the S3 credentials and the bucket policy.',
    });
  }
  const transient =
    (name !== undefined && TRANSIENT_NAMES.has(name)) ||
    (status !== undefined && (status >= 500 || status === 429)) ||
    (code !== undefined && TRANSIENT_CODES.has(code));
  return storageError(`${message}: ${e instanceof Error ? e.message : String(e)}`, { transient, cause: e });
}
