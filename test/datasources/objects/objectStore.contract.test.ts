import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { startFauxqsProcess } from './fauxqsProcess';
import {
  LocalObjectStore,
  S3ObjectStore,
  signDownload,
  verifyDownload,
  type ObjectStore,
} from '../../../src/datasources/objects';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

interface Engine {
  name: string;
  open(): Promise<{ store: ObjectStore; close(): Promise<void> }>;
}

const engines: Engine[] = [
  {
    name: 'local folder',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'objects-'));
      return { store: new LocalObjectStore(dir), close: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 's3 (fauxqs)',
    async open() {
      const server = await startFauxqsProcess(['contract']);
      const client = new S3Client({
        endpoint: server.address,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      return {
        store: new S3ObjectStore(client, 'contract'),
        close: async () => {
          client.destroy();
          await server.stop();
        },
      };
    },
  },
];

describe.each(engines)('objects port contract: $name', (engine) => {
  let store: ObjectStore;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ store, close } = await engine.open());
  });
  afterAll(() => close());

  it('puts bytes and gets them back with their content type', async () => {
    await store.put('exports/a.csv', 'email\nx@example.com\n', 'text/csv');
    const found = await store.get('exports/a.csv');
    expect(found).not.toBeNull();
    expect(found!.contentType).toBe('text/csv');
    expect((await readAll(found!.body)).toString()).toBe('email\nx@example.com\n');
    expect(await store.exists('exports/a.csv')).toBe(true);
  });

  it('answers null and false for a missing key', async () => {
    expect(await store.get('nope/missing.txt')).toBeNull();
    expect(await store.exists('nope/missing.txt')).toBe(false);
  });

  it('replaces an object written twice under one key', async () => {
    await store.put('raw/x/dt=2026-01-01/hour=00/f.gz', Buffer.from('one'));
    await store.put('raw/x/dt=2026-01-01/hour=00/f.gz', Buffer.from('two'));
    const listed = await store.list('raw/x/');
    expect(listed.map((o) => o.key)).toEqual(['raw/x/dt=2026-01-01/hour=00/f.gz']);
    expect((await readAll((await store.get('raw/x/dt=2026-01-01/hour=00/f.gz'))!.body)).toString()).toBe('two');
  });

  it('streams a body larger than one upload part', async () => {
    const size = 9 * 1024 * 1024 + 123;
    const source = Readable.from(
      (function* () {
        for (let sent = 0; sent < size; sent += 64 * 1024)
          yield Buffer.alloc(Math.min(64 * 1024, size - sent), sent % 251);
      })(),
    );
    await store.put('big/blob.bin', source);
    const back = await readAll((await store.get('big/blob.bin'))!.body);
    expect(back.length).toBe(size);
  });

  it('lists by prefix in key order and deletes', async () => {
    await store.put('list/b.txt', 'b');
    await store.put('list/a/c.txt', 'c');
    await store.put('lister.txt', 'not under list/');
    expect((await store.list('list/')).map((o) => o.key)).toEqual(['list/a/c.txt', 'list/b.txt']);
    await store.delete('list/b.txt');
    await store.delete('list/never-there.txt');
    expect((await store.list('list/')).map((o) => o.key)).toEqual(['list/a/c.txt']);
  });

  it('refuses keys that could escape the root', async () => {
    await expect(store.put('../etc/passwd', 'x')).rejects.toThrow(/Invalid object key/);
    await expect(store.get('a/../../b')).rejects.toThrow(/Invalid object key/);
    await expect(store.put('/absolute', 'x')).rejects.toThrow(/Invalid object key/);
  });
});

describe('signed download links', () => {
  const secret = 'a-test-secret-of-enough-length';
  it('verifies its own signature until expiry and refuses changes', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const link = signDownload(secret, 'exports/a.csv', new Date(now.getTime() + 60_000));
    expect(verifyDownload(secret, 'exports/a.csv', link.expires, link.signature, now)).toBe(true);
    expect(verifyDownload(secret, 'exports/b.csv', link.expires, link.signature, now)).toBe(false);
    expect(verifyDownload(secret, 'exports/a.csv', link.expires + 1, link.signature, now)).toBe(false);
    expect(verifyDownload('another-secret-entirely', 'exports/a.csv', link.expires, link.signature, now)).toBe(false);
    expect(
      verifyDownload(secret, 'exports/a.csv', link.expires, link.signature, new Date(now.getTime() + 120_000)),
    ).toBe(false);
  });
});
