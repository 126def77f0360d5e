import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { openStore, type Store } from '../../src/datasources/store';
import { Scheduler } from '../../src/jobs/scheduler';
import { createLogger } from '../../src/logger';
import { backupsFeature } from '../../src/features/backups';
import { backupToFolder } from '../../src/services/backups/backupToFolder';
import { BACKUPS_PREFIX, foldersToRemove } from '../../src/services/backups/backupRotation';
import { restoreFromFolder } from '../../src/services/backups/restoreFromFolder';
import { STORE_BACKUP_JOB } from '../../src/services/backups/storeBackup.job';
import { runTs } from '../foundation/spawn';
import { waitFor } from '../jobs/support';
import { startTestServer } from '../support/server';

const root = resolve(__dirname, '../..');

/** The writing process (the service's part): inserts until killed, telling each acknowledged insert. */
function startWriter(dataDir: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'backupWriter.ts'), dataDir],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const state = { acked: -1 };
  const waiting: { n: number; done: () => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const [word, n] = line.split(' ');
    if (word !== 'ack') return;
    state.acked = Number(n);
    for (const wait of waiting.filter((w) => w.n <= state.acked)) {
      waiting.splice(waiting.indexOf(wait), 1);
      wait.done();
    }
  });
  const exited = new Promise((done) => child.once('exit', done));
  return {
    state,
    reached: (n: number) => new Promise<void>((done) => (n <= state.acked ? done() : waiting.push({ n, done }))),
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const cli = (args: string[], dataDir: string) => runTs('src/cli/index.ts', args, { DATA_DIR: dataDir });

describe('backup and restore of the embedded store', () => {
  let work: string;
  const opened: Store[] = [];

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'campaign-hub-backup-'));
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await rm(work, { recursive: true, force: true });
  });

  it('backs up while the service writes; after kill -9, the restore holds every write acknowledged before it', async () => {
    const dataDir = join(work, 'data');
    const backupDir = join(work, 'backup');
    const restoredDir = join(work, 'restored');
    const writer = startWriter(dataDir);
    let ackedBefore: number;
    try {
      await writer.reached(200);
      ackedBefore = writer.state.acked;
      const backup = await cli(['backup', '--to', backupDir], dataDir);
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      expect(backup.stdout).toMatch(/^Backed up .* into .*backup \(\d+ bytes, sha256 [0-9a-f]{64}\)/);
      // The writer went on writing while the backup ran beside it.
      expect(writer.state.acked).toBeGreaterThan(ackedBefore);

      // A restore into the directory the writer holds is refused, naming the holder.
      await expect(restoreFromFolder({ from: backupDir, dataDir, holder: 'test' })).rejects.toThrow(
        /is in use: pid \d+ .*\(service\) writes it/,
      );
    } finally {
      await writer.kill();
    }

    const restore = await cli(['restore', '--from', backupDir], restoredDir);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/^Restored the store as of /);

    const restored = await openStore({ dataDir: restoredDir, dbName: 'test' });
    opened.push(restored);
    const written = restored.db.collection('written');
    const total = await written.countDocuments({});
    // Every insert acknowledged before the backup began is there...
    expect(total).toBeGreaterThan(ackedBefore);
    const highest = await written.find({}).sort({ n: -1 }).limit(1).next();
    // ...and the snapshot is one point in time: writes 0..n with no gap, and its unique index holds.
    expect(highest!.n).toBe(total - 1);
    await expect(written.insertOne({ n: 0 })).rejects.toMatchObject({ code: 11000 });
  }, 60_000);

  it('refuses a backup into a folder that is not empty, and a restore into one that is', async () => {
    const dataDir = join(work, 'data');
    const source = await openStore({ dataDir, dbName: 'test' });
    opened.push(source);
    await source.db.collection('written').insertOne({ n: 1 });

    const busy = join(work, 'busy');
    await mkdir(busy);
    await writeFile(join(busy, 'notes.txt'), 'keep me');
    await expect(backupToFolder({ snapshot: source.snapshot!, dataDir, to: busy })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
      message: expect.stringMatching(
        /busy exists and is not empty \(1 entries\); back up into a new or an empty folder/,
      ),
    });
    expect(await readdir(busy)).toEqual(['notes.txt']);

    const backupDir = join(work, 'backup');
    await backupToFolder({ snapshot: source.snapshot!, dataDir, to: backupDir });
    expect((await readdir(backupDir)).sort()).toEqual(['data.mdb', 'manifest.json']);

    await expect(restoreFromFolder({ from: backupDir, dataDir: busy, holder: 'test' })).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: expect.stringMatching(/busy is not empty \(notes.txt\)\. A restore goes into an empty data directory/),
    });
    await expect(restoreFromFolder({ from: busy, dataDir: join(work, 'new'), holder: 'test' })).rejects.toThrow(
      /busy holds no backup \(no manifest.json/,
    );
    const damaged = join(work, 'damaged');
    await cp(backupDir, damaged, { recursive: true });
    await truncate(join(damaged, 'data.mdb'), 4096);
    await expect(restoreFromFolder({ from: damaged, dataDir: join(work, 'new'), holder: 'test' })).rejects.toThrow(
      /is not the file its manifest describes \(4096 bytes, \d+ expected\): an incomplete or damaged copy/,
    );
    expect(await readdir(work)).not.toContain('new');
  });

  it('refuses both commands on MongoDB, pointing to mongodump and mongorestore', async () => {
    const env = { DATA_DIR: join(work, 'data'), MONGODB_URI: 'mongodb://127.0.0.1:9' };
    const [backup, restore] = await Promise.all([
      runTs('src/cli/index.ts', ['backup', '--to', join(work, 'b')], env),
      runTs('src/cli/index.ts', ['restore', '--from', join(work, 'b')], env),
    ]);
    for (const refused of [backup, restore]) {
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/the store is MongoDB \(MONGODB_URI\): use mongodump and mongorestore/);
    }
  });
});

describe('scheduled backups to the objects port', () => {
  it('are off until CRON_STORE_BACKUP is set, daily with "on"', () => {
    const [schedule] = backupsFeature.schedules!;
    const scheduler = (overrides: Record<string, string>) =>
      new Scheduler({
        db: { collection: () => ({}) } as never,
        jobs: {} as never,
        types: new Map(),
        overrides,
        logger: createLogger({ level: 'silent' }),
      });
    expect(scheduler({}).cronOf(schedule!)).toBeNull();
    expect(scheduler({ STORE_BACKUP: 'on' }).cronOf(schedule!)).toBe('0 3 * * *');
    expect(scheduler({ STORE_BACKUP: '15 1 * * *' }).cronOf(schedule!)).toBe('15 1 * * *');
    expect(scheduler({ STORE_BACKUP: 'off' }).cronOf(schedule!)).toBeNull();
  });

  it('keeps the last BACKUP_KEEP complete backups, each one restorable', async () => {
    const server = await startTestServer({ BACKUP_KEEP: '2' });
    const work = await mkdtemp(join(tmpdir(), 'campaign-hub-backups-'));
    try {
      const { app } = server;
      for (let run = 0; run < 3; run++) {
        await app.db.collection('marker').insertOne({ run });
        const job = await app.jobs.enqueue(STORE_BACKUP_JOB, {});
        const done = await waitFor(async () => {
          const current = await app.jobs.get(job._id);
          return current && ['SUCCEEDED', 'FAILED'].includes(current.status) ? current : undefined;
        });
        expect(done).toMatchObject({ status: 'SUCCEEDED' });
      }
      const listed = await app.ports.objects.list(BACKUPS_PREFIX);
      const folders = [...new Set(listed.map(({ key }) => key.split('/')[1]!))].sort();
      expect(folders).toHaveLength(2);
      expect(listed.map(({ key }) => key.split('/')[2]).sort()).toEqual([
        'data.mdb',
        'data.mdb',
        'manifest.json',
        'manifest.json',
      ]);
      expect(await readdir(join(app.config.DATA_DIR, 'backup-staging'))).toEqual([]);

      // As an operator would: download the newest backup's files, then restore them.
      const downloaded = join(work, 'downloaded');
      await mkdir(downloaded);
      for (const name of ['data.mdb', 'manifest.json']) {
        const object = await app.ports.objects.get(`${BACKUPS_PREFIX}${folders[1]}/${name}`);
        await pipeline(object!.body, createWriteStream(join(downloaded, name)));
      }
      await restoreFromFolder({ from: downloaded, dataDir: join(work, 'restored'), holder: 'test' });
      const restored = await openStore({ dataDir: join(work, 'restored'), dbName: 'test' });
      try {
        expect(await restored.db.collection('marker').countDocuments({})).toBe(3);
      } finally {
        await restored.close();
      }
    } finally {
      await server.stop();
      await rm(work, { recursive: true, force: true });
    }
  });

  it('removes backups past the newest N and incomplete older ones, never a newer run in progress', () => {
    const object = (key: string) => ({ key, size: 1, contentType: 'x', lastModified: new Date() });
    const complete = (name: string) => [object(`backups/${name}/data.mdb`), object(`backups/${name}/manifest.json`)];
    const objects = [
      ...complete('2026-01-01T030000.000Z'),
      object('backups/2026-01-02T030000.000Z/data.mdb'),
      ...complete('2026-01-03T030000.000Z'),
      ...complete('2026-01-04T030000.000Z'),
      object('backups/2026-01-05T030000.000Z/data.mdb'),
    ];
    expect(foldersToRemove(objects, 1, '2026-01-04T030000.000Z')).toEqual([
      '2026-01-03T030000.000Z',
      '2026-01-02T030000.000Z',
      '2026-01-01T030000.000Z',
    ]);
    expect(foldersToRemove(objects, 3, '2026-01-04T030000.000Z')).toEqual(['2026-01-02T030000.000Z']);
  });
});
