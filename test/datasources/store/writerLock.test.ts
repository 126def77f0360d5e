import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { openStore, WRITER_LOCK_FILE, WriterLockHeldError, type Store } from '../../../src/datasources/store';

/** One writing process per data directory: a second writer is refused, read-only opens are not. */

const repoRoot = resolve(__dirname, '../../..');

/** A child process that holds `dataDir` as its writer, with the first line it printed. */
async function startHolder(dataDir: string): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'fixtures/lockHolder.ts'), dataDir],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, line };
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

describe('the embedded store writer lock', () => {
  let dataDir: string;
  const children: ChildProcess[] = [];
  const stores: Store[] = [];
  const open = async (options: Parameters<typeof openStore>[0] = {}) => {
    const store = await openStore({ dataDir, dbName: 'test', ...options });
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'store-writer-lock-'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) await kill9(child);
    for (const store of stores.splice(0)) await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a second writer at once, naming the holder; reads beside it; frees the lock when the holder dies', async () => {
    const holder = await startHolder(dataDir);
    children.push(holder.child);
    expect(holder.line).toBe('ready');

    const started = Date.now();
    const refused = await openStore({ dataDir, dbName: 'test', access: 'writer', holder: 'second' }).catch(
      (error: unknown) => error,
    );
    // "At once": no waiting on the holder. 3 s is a generous bound for a loaded 2-core machine.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(refused).toBeInstanceOf(WriterLockHeldError);
    const message = (refused as Error).message;
    expect(message).toContain(`pid ${holder.child.pid}`);
    expect(message).toContain(hostname());
    expect(message).toMatch(/since \d{4}-\d\d-\d\dT/);
    expect(message).toContain('lock test');

    const second = await startHolder(dataDir);
    children.push(second.child);
    expect(second.line).toMatch(new RegExp(`^refused WriterLockHeldError: .*pid ${holder.child.pid}`));
    await expect(openStore({ dataDir, dbName: 'test' })).rejects.toBeInstanceOf(WriterLockHeldError);

    const reader = await open({ access: 'readOnly' });
    expect(await reader.db.collection('notes').findOne({})).toMatchObject({ by: holder.child.pid });
    await expect(reader.db.collection('notes').insertOne({ by: 'reader' })).rejects.toMatchObject({ code: 10107 });

    await kill9(holder.child);
    const taker = await startHolder(dataDir);
    children.push(taker.child);
    expect(taker.line).toBe('ready');
    expect(JSON.parse(await readFile(join(dataDir, WRITER_LOCK_FILE), 'utf8'))).toMatchObject({
      pid: taker.child.pid,
      holder: 'lock test',
    });
    expect(await reader.db.collection('notes').countDocuments({})).toBe(2);
  });

  it('shares the lock between the opens of one process and removes it when the last one closes', async () => {
    const first = await openStore({ dataDir, dbName: 'test', access: 'writer' });
    const second = await openStore({ dataDir, dbName: 'test', access: 'writer' });
    await first.db.collection('notes').insertOne({ n: 1 });
    await first.close();
    expect(existsSync(join(dataDir, WRITER_LOCK_FILE))).toBe(true);
    expect(await second.db.collection('notes').countDocuments({})).toBe(1);
    await second.close();
    expect(existsSync(join(dataDir, WRITER_LOCK_FILE))).toBe(false);
  });

  it.each([
    ['a process that no longer runs', { pid: 2 ** 22 + 17 }],
    ['an earlier process with the same pid', { pid: process.pid, processStart: '1' }],
    ['unreadable', 'not json'],
  ])('takes over a lock left by %s', async (_case, stale) => {
    const record =
      typeof stale === 'string'
        ? stale
        : JSON.stringify({ host: hostname(), since: '2026-01-01T00:00:00.000Z', holder: 'gone', ...stale });
    await writeFile(join(dataDir, WRITER_LOCK_FILE), record);
    const store = await open({ access: 'writer' });
    await store.db.collection('notes').insertOne({ n: 1 });
    expect(JSON.parse(await readFile(join(dataDir, WRITER_LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('refuses a read-only open of a directory without a store', async () => {
    await expect(openStore({ dataDir: join(dataDir, 'none'), dbName: 'test', access: 'readOnly' })).rejects.toThrow(
      /holds no store/,
    );
  });
});
