/**
 * The broker's own state (installations, one-time pairing codes, consent sessions), kept in one
 * sealed file. Grants and their refresh tokens live in a TokenVault beside it; the audit log is an
 * append-only JSON-lines file that holds no secrets.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { TidemarkError } from '../core/index.js';
import { open, seal, type SealedEnvelope, type VaultStorage } from '../jira/index.js';

export interface Installation {
  id: string;
  name: string;
  /** Ed25519 public key, SPKI DER base64. */
  publicKey: string;
  createdAt: number;
  revokedAt?: number;
}

export interface PairingCode {
  /** sha256 of the code (the code itself is shown once to the admin). */
  codeHash: string;
  createdAt: number;
  expiresAt: number;
  usedAt?: number;
  usedBy?: string;
}

export interface ConsentSession {
  id: string;
  installationId: string;
  /** sha256 of the OAuth `state` sent to Atlassian. */
  stateHash: string;
  createdAt: number;
  expiresAt: number;
  status: 'pending' | 'connected' | 'failed';
  grantId?: string;
  error?: string;
}

export interface BrokerState {
  installations: Installation[];
  pairingCodes: PairingCode[];
  consentSessions: ConsentSession[];
}

const PURPOSE = 'broker state';

export class BrokerStateStore {
  constructor(
    private readonly storage: VaultStorage,
    private readonly masterKey: Uint8Array,
  ) {}

  async read(): Promise<BrokerState> {
    const bytes = await this.storage.load();
    if (!bytes) return { installations: [], pairingCodes: [], consentSessions: [] };
    let env: SealedEnvelope;
    try {
      env = JSON.parse(Buffer.from(bytes).toString('utf8')) as SealedEnvelope;
    } catch {
      throw new TidemarkError('corrupt', 'the broker state file is damaged');
    }
    return JSON.parse(open(this.masterKey, env, PURPOSE).toString('utf8')) as BrokerState;
  }

  /** Reads, changes and writes the state under the storage's exclusive lock. */
  async update<T>(fn: (state: BrokerState) => T | Promise<T>): Promise<T> {
    return this.storage.exclusive(async () => {
      const state = await this.read();
      const result = await fn(state);
      await this.storage.save(
        Buffer.from(JSON.stringify(seal(this.masterKey, Buffer.from(JSON.stringify(state)), PURPOSE))),
      );
      return result;
    });
  }
}

export interface AuditEntry {
  at: string;
  event:
    | 'token-issued'
    | 'paired'
    | 'revoked'
    | 'consent-started'
    | 'consent-completed'
    | 'consent-failed'
    | 'disconnected'
    | 'refused';
  installationId?: string;
  grantId?: string;
  cloudIds?: string[];
  scopes?: string[];
  /** First 12 hex digits of sha256(access token): lets an incident be traced without the token. */
  tokenFingerprint?: string;
  reason?: string;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  read(): Promise<AuditEntry[]>;
}

export class FileAuditLog implements AuditLog {
  constructor(readonly file: string) {}
  async append(entry: AuditEntry): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }
  async read(): Promise<AuditEntry[]> {
    try {
      const text = await readFile(this.file, 'utf8');
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as AuditEntry);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }
}

export class MemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async append(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
  async read(): Promise<AuditEntry[]> {
    return [...this.entries];
  }
}
