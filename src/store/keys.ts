/**
 * Key files and credentials (docs/design.md §6.3). A key file wraps the master key under a key
 * derived from a passphrase (scrypt) or from a key file credential (HKDF). Nothing here logs or
 * returns a credential, a derived key or the master key in any error.
 */
import { createHash, hkdfSync, randomBytes, scrypt } from 'node:crypto';
import { hostname } from 'node:os';
import { TidemarkError, canonicalJson } from '../core/index.js';
import { type Backend, listAll } from './backend/index.js';
import { corrupt, gcmDecrypt, gcmEncrypt, isId } from './crypto.js';

export type Credential = { kind: 'passphrase'; passphrase: string } | { kind: 'keyfile'; secret: Buffer };

export interface ScryptParams {
  n: number;
  r: number;
  p: number;
}

/** Parameters writers use: 128 MiB and about a third of a second per derivation. */
export const DEFAULT_SCRYPT: ScryptParams = { n: 2 ** 17, r: 8, p: 1 };

type Kdf = { name: 'scrypt'; n: number; r: number; p: number; salt: string } | { name: 'hkdf-sha256'; salt: string };

export interface KeyFileDoc {
  v: 1;
  kind: Credential['kind'];
  created: string;
  host: string;
  label?: string;
  kdf: Kdf;
  wrapped: string;
}

export interface KeyInfo {
  /** File name under keys/ (the SHA-256 of its bytes). */
  id: string;
  kind: Credential['kind'] | 'unknown';
  created?: string;
  host?: string;
  label?: string;
  /** Why the key file cannot be used, when it cannot. */
  damaged?: string;
}

const KEYFILE_PREFIX = 'tidemark-keyfile-v1:';
const WRAP_AAD = Buffer.from('tidemark:key', 'ascii');

export function passphrase(value: string): Credential {
  if (value.length === 0) throw new TidemarkError('usage', 'the passphrase is empty');
  return { kind: 'passphrase', passphrase: value };
}

/** A new random key file credential and the text to store it as. */
export function newKeyFileCredential(): { credential: Credential; text: string } {
  const secret = randomBytes(32);
  return { credential: { kind: 'keyfile', secret }, text: `${KEYFILE_PREFIX}${secret.toString('base64')}\n` };
}

export function parseKeyFileCredential(text: string): Credential {
  const t = text.trim();
  const secret = t.startsWith(KEYFILE_PREFIX) ? Buffer.from(t.slice(KEYFILE_PREFIX.length), 'base64') : undefined;
  if (!secret || secret.length !== 32) {
    throw new TidemarkError('usage', 'this is not a Tidemark key file', {
      hint: `A key file holds one line starting with ${KEYFILE_PREFIX}; create one with \`tidemark key add --new-key-file <path>\`.`,
    });
  }
  return { kind: 'keyfile', secret };
}

function checkScrypt(k: { n: unknown; r: unknown; p: unknown }): k is ScryptParams {
  const { n, r, p } = k;
  return (
    typeof n === 'number' &&
    Number.isInteger(n) &&
    n >= 2 ** 10 &&
    n <= 2 ** 20 &&
    (n & (n - 1)) === 0 &&
    typeof r === 'number' &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= 32 &&
    typeof p === 'number' &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= 16
  );
}

async function deriveKek(credential: Credential, kdf: Kdf): Promise<Buffer> {
  const salt = Buffer.from(kdf.salt, 'base64');
  if (credential.kind === 'passphrase' && kdf.name === 'scrypt') {
    const { n, r, p } = kdf;
    return new Promise((resolve, reject) => {
      scrypt(
        credential.passphrase.normalize('NFC'),
        salt,
        32,
        { N: n, r, p, maxmem: 256 * n * r + 16 * 1024 * 1024 },
        (err, key) => (err ? reject(new TidemarkError('internal', 'key derivation failed')) : resolve(key)),
      );
    });
  }
  if (credential.kind === 'keyfile' && kdf.name === 'hkdf-sha256') {
    return Buffer.from(hkdfSync('sha256', credential.secret, salt, 'tidemark v1 keyfile', 32));
  }
  throw new TidemarkError('internal', 'credential and key kinds differ');
}

/** Builds a key file wrapping `master` for `credential`. Returns its name (keys/<sha256>) and bytes. */
export async function createKeyFile(
  master: Buffer,
  repositoryId: string,
  credential: Credential,
  options: { scrypt?: ScryptParams; label?: string; host?: string; now: number },
): Promise<{ name: string; bytes: Buffer }> {
  const salt = randomBytes(32).toString('base64');
  const params = options.scrypt ?? DEFAULT_SCRYPT;
  if (!checkScrypt(params)) throw new TidemarkError('usage', 'scrypt parameters out of range');
  const kdf: Kdf =
    credential.kind === 'passphrase' ? { name: 'scrypt', ...params, salt } : { name: 'hkdf-sha256', salt };
  const kek = await deriveKek(credential, kdf);
  const wrapped = gcmEncrypt(
    kek,
    WRAP_AAD,
    Buffer.from(canonicalJson({ master: master.toString('base64'), repository: repositoryId })),
  );
  kek.fill(0);
  if (options.label !== undefined && options.label.length > 200)
    throw new TidemarkError('usage', 'key labels are at most 200 characters');
  const doc: KeyFileDoc = {
    v: 1,
    kind: credential.kind,
    created: new Date(options.now).toISOString(),
    host: options.host ?? hostname(),
    label: options.label,
    kdf,
    wrapped: wrapped.toString('base64'),
  };
  const bytes = Buffer.from(canonicalJson(doc));
  return { name: `keys/${createHash('sha256').update(bytes).digest('hex')}`, bytes };
}

/** Reads and validates one key file; returns the document or the reason it is unusable. */
async function readKeyFile(backend: Backend, name: string): Promise<KeyFileDoc | string> {
  const id = name.slice('keys/'.length);
  if (!isId(id)) return 'its name is not a SHA-256';
  let bytes: Buffer;
  try {
    bytes = await backend.get(name);
  } catch (e) {
    if (e instanceof TidemarkError && e.kind === 'not-found') return 'it disappeared';
    throw e;
  }
  if (createHash('sha256').update(bytes).digest('hex') !== id) return 'its content does not match its name';
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'it is not valid JSON';
  }
  const d = doc as Partial<KeyFileDoc> & { kdf?: Record<string, unknown> };
  if (d.v !== 1) return `unknown key file version ${String(d.v)}`;
  if (d.kind !== 'passphrase' && d.kind !== 'keyfile') return 'unknown kind';
  if (typeof d.wrapped !== 'string' || typeof d.created !== 'string' || typeof d.host !== 'string')
    return 'missing members';
  if (!d.kdf || typeof d.kdf.salt !== 'string') return 'missing key derivation parameters';
  if (
    d.kind === 'passphrase' &&
    (d.kdf.name !== 'scrypt' || !checkScrypt(d.kdf as { n: unknown; r: unknown; p: unknown }))
  ) {
    return 'scrypt parameters missing or out of range';
  }
  if (d.kind === 'keyfile' && d.kdf.name !== 'hkdf-sha256') return 'unknown key derivation';
  return d as KeyFileDoc;
}

export async function listKeys(backend: Backend): Promise<KeyInfo[]> {
  const out: KeyInfo[] = [];
  for (const f of await listAll(backend, 'keys/')) {
    const id = f.name.slice('keys/'.length);
    const doc = await readKeyFile(backend, f.name);
    if (typeof doc === 'string') out.push({ id, kind: 'unknown', damaged: doc });
    else out.push({ id, kind: doc.kind, created: doc.created, host: doc.host, label: doc.label });
  }
  return out.sort((a, b) => (a.created ?? '').localeCompare(b.created ?? '') || a.id.localeCompare(b.id));
}

export interface Unlocked {
  master: Buffer;
  repositoryId: string;
  /** Id of the key file that opened the repository. */
  keyId: string;
}

/**
 * Tries every key file of the credential's kind. Throws `wrong-key` when none opens, or `corrupt`
 * when none opens and some key file is damaged (damage is not reported as a wrong passphrase).
 */
export async function unlock(backend: Backend, credential: Credential): Promise<Unlocked> {
  const files = (await listAll(backend, 'keys/')).map((f) => f.name).sort();
  const damaged: string[] = [];
  let tried = 0;
  for (const name of files) {
    const doc = await readKeyFile(backend, name);
    if (typeof doc === 'string') {
      damaged.push(`${name} (${doc})`);
      continue;
    }
    if (doc.kind !== credential.kind) continue;
    tried++;
    const kek = await deriveKek(credential, doc.kdf);
    const plain = gcmDecrypt(kek, WRAP_AAD, Buffer.from(doc.wrapped, 'base64'));
    kek.fill(0);
    if (!plain) continue;
    let inner: { master?: unknown; repository?: unknown };
    try {
      inner = JSON.parse(plain.toString('utf8')) as typeof inner;
    } catch {
      throw corrupt(name, 'wrapped key is not valid JSON');
    } finally {
      plain.fill(0);
    }
    const master = typeof inner.master === 'string' ? Buffer.from(inner.master, 'base64') : undefined;
    if (!master || master.length !== 32 || typeof inner.repository !== 'string') {
      throw corrupt(name, 'wrapped key has the wrong shape');
    }
    return { master, repositoryId: inner.repository, keyId: name.slice('keys/'.length) };
  }
  if (damaged.length > 0) {
    throw new TidemarkError('corrupt', `no usable key opens the repository; damaged key files: ${damaged.join(', ')}`, {
      hint: 'If you have another key (passphrase or key file) for this repository, use it and remove the damaged key with `tidemark key remove`.',
      details: { files: damaged },
    });
  }
  const what = credential.kind === 'passphrase' ? 'passphrase' : 'key file';
  if (tried === 0) {
    throw new TidemarkError('wrong-key', `this repository has no ${what} key`, {
      hint:
        credential.kind === 'passphrase' ? 'Open it with its key file (--key-file).' : 'Open it with its passphrase.',
    });
  }
  throw new TidemarkError('wrong-key', `the ${what} does not match any of the repository's ${tried} ${what} key(s)`, {
    hint: 'Check the passphrase or key file, and that --repo points at the right repository.',
  });
}
