/**
 * Sealing small secrets at rest: AES-256-GCM under a key derived with HKDF-SHA256 from the master
 * key and a per-file random salt. The envelope is JSON so it can be inspected without revealing
 * anything: {v, alg, salt, iv, ct, tag} (base64).
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { TidemarkError } from '../../core/index.js';

export interface SealedEnvelope {
  v: 1;
  alg: 'A256GCM-HKDF-SHA256';
  salt: string;
  iv: string;
  ct: string;
  tag: string;
}

function deriveKey(masterKey: Uint8Array, salt: Uint8Array, purpose: string): Buffer {
  if (masterKey.length < 32) {
    throw new TidemarkError('config', 'the master key must hold at least 32 bytes', {
      hint: 'Generate one with `tidemark vault keygen` or `head -c 32 /dev/urandom | base64`.',
    });
  }
  return Buffer.from(hkdfSync('sha256', masterKey, salt, `tidemark ${purpose} v1`, 32));
}

export function seal(masterKey: Uint8Array, plaintext: Uint8Array, purpose: string): SealedEnvelope {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(masterKey, salt, purpose), iv);
  cipher.setAAD(Buffer.from(purpose));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    v: 1,
    alg: 'A256GCM-HKDF-SHA256',
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

export function open(masterKey: Uint8Array, envelope: SealedEnvelope, purpose: string): Buffer {
  if (envelope.v !== 1 || envelope.alg !== 'A256GCM-HKDF-SHA256') {
    throw new TidemarkError(
      'corrupt',
      `unsupported sealed envelope (v=${String(envelope.v)}, alg=${String(envelope.alg)})`,
    );
  }
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      deriveKey(masterKey, Buffer.from(envelope.salt, 'base64'), purpose),
      Buffer.from(envelope.iv, 'base64'),
    );
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(envelope.ct, 'base64')), decipher.final()]);
  } catch (e) {
    if (e instanceof TidemarkError) throw e;
    throw new TidemarkError('wrong-key', `cannot open the ${purpose}: wrong master key, or the file was altered`, {
      hint: 'Check TIDEMARK_MASTER_KEY / --master-key-file; a vault sealed with another key cannot be read.',
    });
  }
}

/** Parses master key material: base64 or hex text of ≥ 32 bytes (a key file or environment variable). */
export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  const bytes = /^[0-9a-fA-F]{64,}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (bytes.length < 32) {
    throw new TidemarkError('config', 'the master key must be at least 32 bytes, given as base64 or hex', {
      hint: 'Generate one with `head -c 32 /dev/urandom | base64`.',
    });
  }
  return bytes;
}

/** First 12 hex digits of sha256(token): names a token (audit log, "this one was refused") without revealing it. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}
