import {
  type Backend,
  type FileInfo,
  type GetOptions,
  type PutBody,
  bodyToBuffer,
  checkName,
  checkPrefix,
  checkRange,
  notFound,
  shortRead,
} from './backend.js';

/** A backend in memory, for tests and tools. Bodies are copied in and out. */
export class MemBackend implements Backend {
  readonly location: string;
  private readonly files = new Map<string, Buffer>();

  constructor(location = 'mem:') {
    this.location = location;
  }

  async put(name: string, body: PutBody): Promise<void> {
    checkName(name);
    const data = Buffer.from(await bodyToBuffer(body));
    this.files.set(name, data);
  }

  async get(name: string, options?: GetOptions): Promise<Buffer> {
    checkName(name);
    const { offset, length } = checkRange(options);
    const data = this.files.get(name);
    if (!data) throw notFound(this.location, name);
    const end = length === undefined ? data.length : offset + length;
    if (end > data.length || offset > data.length)
      throw shortRead(this.location, name, end - offset, Math.max(0, data.length - offset));
    return Buffer.from(data.subarray(offset, end));
  }

  async *list(prefix: string): AsyncIterable<FileInfo> {
    checkPrefix(prefix);
    const names = [...this.files.keys()].filter((n) => n.startsWith(prefix));
    for (const name of names) {
      const data = this.files.get(name);
      if (data) yield { name, size: data.length };
    }
  }

  async stat(name: string): Promise<FileInfo> {
    checkName(name);
    const data = this.files.get(name);
    if (!data) throw notFound(this.location, name);
    return { name, size: data.length };
  }

  async delete(name: string): Promise<void> {
    checkName(name);
    this.files.delete(name);
  }

  async close(): Promise<void> {}

  /** A copy of this backend with copies of every file (tests: tamper with one copy, keep the other). */
  clone(): MemBackend {
    const copy = new MemBackend(this.location);
    for (const [name, data] of this.files) copy.files.set(name, Buffer.from(data));
    return copy;
  }
}
