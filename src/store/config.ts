/** The `config` file (docs/design.md §6.5). */
import { randomBytes } from 'node:crypto';
import { TidemarkError } from '../core/index.js';
import { MAX_BLOB, corrupt } from './crypto.js';

export interface ChunkerParams {
  /** base64 of 32 secret bytes: the gear table is derived from it. */
  seed: string;
  min: number;
  avg: number;
  max: number;
}

export interface RepoConfig {
  v: 1;
  id: string;
  created: string;
  chunker: ChunkerParams;
  packSize: number;
}

export const DEFAULT_CHUNK_SIZES = { min: 512 * 1024, avg: 1024 * 1024, max: 8 * 1024 * 1024 };
export const DEFAULT_PACK_SIZE = 16 * 1024 * 1024;

export function chunkSizesProblem(c: { min: unknown; avg: unknown; max: unknown }): string | undefined {
  const { min, avg, max } = c;
  if (typeof min !== 'number' || typeof avg !== 'number' || typeof max !== 'number') return 'sizes must be numbers';
  if (![min, avg, max].every(Number.isSafeInteger)) return 'sizes must be integers';
  if ((avg & (avg - 1)) !== 0 || avg < 256 || avg > 2 ** 24) return 'avg must be a power of two between 256 and 16 MiB';
  if (!(min >= 64 && min < avg && avg < max && max <= MAX_BLOB))
    return 'sizes must satisfy 64 ≤ min < avg < max ≤ 32 MiB';
  return undefined;
}

export function newConfig(
  now: number,
  options: { chunker?: Partial<Omit<ChunkerParams, 'seed'>>; packSize?: number } = {},
): RepoConfig {
  const chunker = { seed: randomBytes(32).toString('base64'), ...DEFAULT_CHUNK_SIZES, ...options.chunker };
  const problem = chunkSizesProblem(chunker);
  if (problem) throw new TidemarkError('usage', `invalid chunker parameters: ${problem}`);
  const packSize = options.packSize ?? DEFAULT_PACK_SIZE;
  if (!Number.isSafeInteger(packSize) || packSize < 4096 || packSize > 1024 * 1024 * 1024) {
    throw new TidemarkError('usage', 'pack size must be between 4 KiB and 1 GiB');
  }
  return { v: 1, id: randomBytes(16).toString('hex'), created: new Date(now).toISOString(), chunker, packSize };
}

export function validateConfig(doc: unknown): RepoConfig {
  const d = doc as Partial<RepoConfig> | null;
  if (typeof d !== 'object' || d === null) throw corrupt('config', 'not an object');
  if (d.v !== 1) {
    throw new TidemarkError(
      'config',
      `this repository has format version ${String(d.v)}, which this Tidemark does not know`,
      {
        hint: 'Upgrade Tidemark.',
      },
    );
  }
  if (typeof d.id !== 'string' || !/^[0-9a-f]{32}$/.test(d.id)) throw corrupt('config', 'bad repository id');
  if (typeof d.created !== 'string') throw corrupt('config', 'missing created');
  if (typeof d.packSize !== 'number' || !(d.packSize >= 4096)) throw corrupt('config', 'bad packSize');
  const c = d.chunker;
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.seed !== 'string' ||
    Buffer.from(c.seed, 'base64').length !== 32
  ) {
    throw corrupt('config', 'bad chunker seed');
  }
  const problem = chunkSizesProblem(c);
  if (problem) throw corrupt('config', `bad chunker parameters: ${problem}`);
  return d as RepoConfig;
}
