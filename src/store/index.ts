/** The snapshot repository: public surface for engines, maintenance, the catalog and the CLI. */
export { Repository, type RepositoryOptions, type InitOptions } from './repository.js';
export type {
  BlobWriter,
  SnapshotWriter,
  SnapshotReader,
  OpenWriterOptions,
  StoredRef,
  FileRef,
  WriterStats,
  WalkItem,
} from './ports.js';
export type { Labels, Snapshot, SnapshotId, SnapshotManifest } from './snapshot.js';
export { sameLabels, matchesLabels } from './snapshot.js';
export type { BlobId, TreeId, TreeEntry, RecordEntry, FileEntry, DirEntry, Meta, MetaValue, TreeNode } from './tree.js';
export { TreeBuilder } from './tree.js';
export {
  type Credential,
  type KeyInfo,
  type ScryptParams,
  DEFAULT_SCRYPT,
  passphrase,
  newKeyFileCredential,
  parseKeyFileCredential,
} from './keys.js';
export type { LockOwner, LockTimings, LockFile } from './lock.js';
export { DEFAULT_LOCK_TIMINGS } from './lock.js';
export { Chunker } from './chunker.js';
export type { ChunkerParams, RepoConfig } from './config.js';
export { check, type CheckReport, type CheckProblem } from './check.js';
export {
  forget,
  forgetSnapshots,
  applyPolicy,
  parseDuration,
  formatDuration,
  policyIsEmpty,
  isoYearWeek,
  type RetentionPolicy,
  type CalendarDuration,
  type PolicyDecision,
  type ForgetResult,
  type ForgetGroup,
} from './forget.js';
export { prune, type PruneOptions, type PruneReport } from './prune.js';
export { repoStats, type RepoStats } from './stats.js';
