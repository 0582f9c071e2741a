/**
 * Opens a backend from a location string: a path (fs) or `s3://bucket/prefix`. Configuration comes
 * as parameters (the CLI reads the environment, not this module).
 */
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { TidemarkError } from '../../core/index.js';
import type { Backend } from './backend.js';
import { FsBackend } from './fs.js';
import { RetryBackend, type RetryOptions } from './retry.js';
import { S3Backend, type S3BackendOptions } from './s3.js';
import { VerifyingBackend } from './verify.js';

export interface OpenBackendOptions {
  /** S3 client settings: endpoint, region, credentials, forcePathStyle. */
  s3?: S3ClientConfig & Pick<S3BackendOptions, 'multipartThreshold' | 'partSize'>;
  retry?: RetryOptions | false;
  /** Read every written file back and compare (default false). */
  verifyWrites?: boolean;
}

export function openBackend(location: string, options: OpenBackendOptions = {}): Backend {
  let backend: Backend;
  if (location.startsWith('s3://')) {
    const rest = location.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const prefix = slash < 0 ? '' : rest.slice(slash + 1);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new TidemarkError('usage', `not a valid S3 bucket name in ${location}`, {
        hint: 'Use s3://bucket/prefix.',
      });
    }
    const { multipartThreshold, partSize, ...clientConfig } = options.s3 ?? {};
    backend = new S3Backend({ bucket, prefix, clientConfig, multipartThreshold, partSize });
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new TidemarkError('usage', `unsupported repository location ${location}`, {
      hint: 'Use a local path or s3://bucket/prefix.',
    });
  } else {
    backend = new FsBackend(location);
  }
  if (options.verifyWrites) backend = new VerifyingBackend(backend);
  if (options.retry !== false) backend = new RetryBackend(backend, options.retry ?? {});
  return backend;
}
