export * from './backend.js';
export { FsBackend, mapFsError } from './fs.js';
export { MemBackend } from './mem.js';
export { S3Backend, type S3BackendOptions } from './s3.js';
export { RetryBackend, type RetryOptions } from './retry.js';
export { VerifyingBackend } from './verify.js';
export { openBackend, type OpenBackendOptions } from './open.js';
