import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DEFAULT_CONTENT_TYPE,
  assertValidKey,
  type ObjectBody,
  type ObjectReadResult,
  type ObjectStore,
  type StoredObject,
} from '../port';

/**
 * Objects as files under `<root>/data/<key>`, with their content type beside them under
 * `<root>/meta/<key>.json`. Writes go to a temporary file renamed into place, so a crash or a
 * concurrent reader never sees a partial object.
 */
export class LocalObjectStore implements ObjectStore {
  readonly engine = 'local' as const;
  private readonly dataRoot: string;
  private readonly metaRoot: string;
  private readonly tmpRoot: string;

  constructor(root: string) {
    this.dataRoot = join(root, 'data');
    this.metaRoot = join(root, 'meta');
    this.tmpRoot = join(root, 'tmp');
  }

  async put(key: string, body: ObjectBody, contentType = DEFAULT_CONTENT_TYPE): Promise<void> {
    assertValidKey(key);
    await mkdir(this.tmpRoot, { recursive: true });
    const tmp = join(this.tmpRoot, `${randomBytes(8).toString('hex')}.part`);
    try {
      const source =
        body instanceof Readable ? body : Readable.from([typeof body === 'string' ? Buffer.from(body) : body]);
      await pipeline(source, createWriteStream(tmp));
      const target = this.dataPath(key);
      await mkdir(dirname(target), { recursive: true });
      const metaPath = this.metaPath(key);
      await mkdir(dirname(metaPath), { recursive: true });
      await writeFile(metaPath, JSON.stringify({ contentType }));
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<ObjectReadResult | null> {
    const info = await this.head(key);
    if (!info) return null;
    return { ...info, body: createReadStream(this.dataPath(key)) };
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const files = await walk(this.dataRoot);
    const keys = files
      .map((file) => relative(this.dataRoot, file).split(sep).join('/'))
      .filter((key) => key.startsWith(prefix))
      .sort();
    const found = await Promise.all(keys.map((key) => this.head(key)));
    return found.filter((info): info is StoredObject => info !== null);
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await rm(this.dataPath(key), { force: true });
    await rm(this.metaPath(key), { force: true });
  }

  private async head(key: string): Promise<StoredObject | null> {
    assertValidKey(key);
    try {
      const info = await stat(this.dataPath(key));
      if (!info.isFile()) return null;
      return { key, size: info.size, contentType: await this.contentType(key), lastModified: info.mtime };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  private async contentType(key: string): Promise<string> {
    try {
      const meta = JSON.parse(await readFile(this.metaPath(key), 'utf8')) as { contentType?: string };
      return meta.contentType ?? DEFAULT_CONTENT_TYPE;
    } catch {
      return DEFAULT_CONTENT_TYPE;
    }
  }

  private dataPath(key: string): string {
    return join(this.dataRoot, ...key.split('/'));
  }

  private metaPath(key: string): string {
    return `${join(this.metaRoot, ...key.split('/'))}.json`;
  }
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? walk(path) : Promise.resolve(entry.isFile() ? [path] : []);
    }),
  );
  return nested.flat();
}
