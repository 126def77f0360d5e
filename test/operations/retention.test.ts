import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/auth/roles';
import { loadConfig } from '../../src/config';
import { LocalObjectStore } from '../../src/datasources/objects/local/local';
import { ObjectId, type Db, type Document, type Store } from '../../src/datasources/store';
import { applyFeatureIndexes } from '../../src/features';
import { retentionFeature } from '../../src/features/retention';
import { createLogger } from '../../src/logger';
import { clickEventsBefore } from '../../src/services/clicks/clickExpiry';
import { clickEventKey } from '../../src/services/clicks/modelIds';
import { deleteInBatches } from '../../src/services/retention/deleteInBatches';
import { lakePeriodOf } from '../../src/services/retention/lakePeriods';
import { RETAINED_COLLECTIONS } from '../../src/services/retention/retainedCollections';
import { Retention, RETENTION_SWEEPS } from '../../src/services/retention/retention';
import { graphql } from '../support/graphql';
import { startTestServer } from '../support/server';
import { openTestStore } from '../support/store';

const DAY = 86_400_000;
const now = new Date('2026-06-01T00:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);
/** An ObjectId made at `at`, as one made then by the driver would be. */
const objectIdAt = (at: Date) =>
  new ObjectId(
    Math.floor(at.getTime() / 1000)
      .toString(16)
      .padStart(8, '0') + randomBytes(8).toString('hex'),
  );

/** An aggregated click event's key (modelIds.ts): its day first. */
const clickKey = (day: Date) => clickEventKey('bu1', day, 's', 'u', 'p');

const ids = async (db: Db, collection: string) =>
  (
    await db
      .collection(collection)
      .find({}, { projection: { _id: 1 } })
      .toArray()
  )
    .map((d) => String(d._id))
    .sort();

describe('retention', () => {
  let store: Store;
  let objectsDir: string;
  let objects: LocalObjectStore;
  const config = (env: Record<string, string> = {}) =>
    loadConfig({ RETENTION_BATCH_SIZE: '2', RETENTION_BATCH_PAUSE_MS: '0', ...env });
  const retention = (env?: Record<string, string>) =>
    new Retention({ db: store.db, objects, config: config(env), logger: createLogger({ level: 'silent' }) });

  beforeEach(async () => {
    store = await openTestStore();
    await applyFeatureIndexes(store.db);
    objectsDir = await mkdtemp(join(tmpdir(), 'campaign-hub-retention-objects-'));
    objects = new LocalObjectStore(objectsDir);
  });
  afterEach(async () => {
    await store.close();
    await rm(objectsDir, { recursive: true, force: true });
  });

  async function fillEveryKind(db: Db): Promise<void> {
    const old = daysAgo(400);
    const recent = daysAgo(10);
    await db.collection('sfmc_click_log').insertMany([
      { _id: objectIdAt(old), bu: 'bu1', processed: true, pos: '2025', importedAt: old, values: {} },
      { _id: objectIdAt(old), bu: 'bu1', processed: false, pos: '2025', importedAt: old, values: {} },
      { _id: objectIdAt(recent), bu: 'bu1', processed: true, pos: '2026', importedAt: recent, values: {} },
    ] as Document[]);
    await db.collection('email_click_rejects').insertMany([
      { _id: 'old', bu: 'bu1', at: old },
      { _id: 'recent', bu: 'bu1', at: recent },
    ] as Document[]);
    // Aggregated click events go by reporting day, per business unit with figures; campaign
    // events by when they occurred, per campaign (their figures' tests: clickExpiry, campaignExpiry).
    const older = daysAgo(500);
    await db.collection('email_click_units').insertOne({ _id: 'bu1', clicks: 5, clickers: 1 } as Document);
    await db.collection('email_click_events').insertMany([
      { _id: clickKey(older), bu: 'bu1', day: older, send: 's', url: 'u', subscriber: 'p', n: 2, guids: ['a', 'b'] },
      {
        _id: clickKey(recent),
        bu: 'bu1',
        day: recent,
        send: 's',
        url: 'u',
        subscriber: 'p',
        n: 3,
        guids: ['c', 'd', 'e'],
      },
    ] as Document[]);
    await db.collection('campaigns').insertOne({ _id: 'c1', createdAt: older } as Document);
    await db.collection('campaign_events').insertMany([
      { _id: 'older', campaignId: 'c1', recipientId: 'r', type: 'OPEN', occurredAt: older, recordedAt: older },
      { _id: 'recent', campaignId: 'c1', recipientId: 'r', type: 'OPEN', occurredAt: recent, recordedAt: recent },
    ] as Document[]);
    await db.collection('outbox').insertMany([
      { _id: 'old', createdAt: old, status: 'SENT' },
      { _id: 'recent', createdAt: recent, status: 'SENT' },
    ] as Document[]);
    await db.collection('smsOutbox').insertMany([
      { _id: 'old', sentAt: old },
      { _id: 'old-receipt-due', sentAt: old, receiptDueAt: recent },
      { _id: 'recent', sentAt: recent },
    ] as Document[]);
    await db.collection('notifications').insertMany([
      { _id: 'old', at: old },
      { _id: 'recent', at: recent },
    ] as Document[]);
    const counts = { total: 3, ok: 3, sms: 3 };
    await db.collection('waves').insertMany([
      { _id: 'ended', status: 'SENT', createdAt: old, finishedAt: old, counts },
      { _id: 'sending', status: 'SENDING', createdAt: old, finishedAt: null, counts },
      { _id: 'ended-lately', status: 'SENT', createdAt: old, finishedAt: recent, counts },
    ] as Document[]);
    for (const wave of ['ended', 'sending', 'ended-lately']) {
      await db
        .collection('waveMessages')
        .insertMany(
          [0, 1, 2].map((row) => ({ _id: `${wave}:${row}`, waveId: wave, row, updatedAt: old })) as Document[],
        );
    }
    await db.collection('jobs').insertMany([
      { _id: 'old-done', status: 'SUCCEEDED', createdAt: old, finishedAt: old, requestedBy: 'schedule:X' },
      { _id: 'old-failed', status: 'FAILED', createdAt: old, finishedAt: old },
      { _id: 'old-file', status: 'SUCCEEDED', createdAt: old, finishedAt: old, requestedBy: 'objects:scored/' },
      { _id: 'old-running', status: 'RUNNING', createdAt: old },
      { _id: 'recent-done', status: 'SUCCEEDED', createdAt: recent, finishedAt: recent },
    ] as Document[]);
    await db.collection('audit_log').insertMany([
      { _id: 'old', at: daysAgo(400) },
      { _id: 'recent', at: recent },
    ] as Document[]);
  }

  async function fillLake(db: Db): Promise<void> {
    const keys = [
      'avro/registration/2024/01/05/a.avro',
      'avro/registration/2024/01/merged-m1.avro',
      'avro/archived/registration/2024/01/05/b.avro',
      'avro/registration/2024/02/01/in-open-merge.avro',
      'raw/campaign_events/dt=2024-01-05/hour=01/events.ndjson.gz',
      'avro/registration/2026/05/20/recent.avro',
      'raw/campaign_events/dt=2026-05-20/hour=03/events.ndjson.gz',
    ];
    for (const key of keys) await objects.put(key, 'x');
    await db
      .collection('lakeFileCounts')
      .insertMany(keys.map((key) => ({ _id: key, recordType: 'registration', records: 1, at: now })) as Document[]);
    await db.collection('lakeMerges').insertOne({
      _id: 'open-merge',
      open: true,
      mergedKey: 'avro/registration/2024/02/merged-open.avro',
      stagingKey: 'avro-staging/registration/2024/02/merged-open.avro',
      inputs: [
        {
          key: 'avro/registration/2024/02/01/in-open-merge.avro',
          archivedKey: 'avro/archived/registration/2024/02/01/in-open-merge.avro',
        },
      ],
    } as Document);
  }

  it('deletes what is past each kind of retention, and nothing else', async () => {
    const { db } = store;
    await fillEveryKind(db);
    await fillLake(db);
    const run = await retention().enforce({ now });
    expect(run).toEqual({
      CLICK_EVENTS: { cutoff: daysAgo(180).toISOString(), deleted: 2 },
      AGGREGATED_CLICK_EVENTS: { cutoff: daysAgo(400).toISOString(), deleted: 1 },
      CAMPAIGN_EVENTS: { cutoff: daysAgo(400).toISOString(), deleted: 1 },
      OUTBOX_MESSAGES: { cutoff: daysAgo(90).toISOString(), deleted: 3 },
      WAVE_MESSAGES: { cutoff: daysAgo(180).toISOString(), deleted: 3 },
      JOB_RECORDS: { cutoff: daysAgo(90).toISOString(), deleted: 2 },
      AUDIT_ENTRIES: { cutoff: daysAgo(365).toISOString(), deleted: 1 },
      LAKE_FILES: { cutoff: daysAgo(730).toISOString(), deleted: 4 },
    });
    expect(await db.collection('sfmc_click_log').countDocuments({ processed: false })).toBe(1);
    expect(await db.collection('sfmc_click_log').countDocuments({ processed: true })).toBe(1);
    expect(await ids(db, 'email_click_rejects')).toEqual(['recent']);
    expect(await ids(db, 'email_click_events')).toEqual([clickKey(daysAgo(10))]);
    expect(await ids(db, 'campaign_events')).toEqual(['recent']);
    expect(await ids(db, 'outbox')).toEqual(['recent']);
    expect(await ids(db, 'smsOutbox')).toEqual(['old-receipt-due', 'recent']);
    expect(await ids(db, 'notifications')).toEqual(['recent']);
    expect(await ids(db, 'waveMessages')).toEqual([
      'ended-lately:0',
      'ended-lately:1',
      'ended-lately:2',
      'sending:0',
      'sending:1',
      'sending:2',
    ]);
    // The wave keeps its counts: they live in the wave, not in its messages.
    expect(await db.collection('waves').findOne({ _id: 'ended' as never })).toMatchObject({
      counts: { total: 3, sms: 3 },
    });
    expect(await ids(db, 'jobs')).toEqual(['old-file', 'old-running', 'recent-done']);
    expect(await ids(db, 'audit_log')).toEqual(['recent']);
    expect((await objects.list('')).map(({ key }) => key)).toEqual([
      'avro/registration/2024/02/01/in-open-merge.avro',
      'avro/registration/2026/05/20/recent.avro',
      'raw/campaign_events/dt=2026-05-20/hour=03/events.ndjson.gz',
    ]);
    expect(await ids(db, 'lakeFileCounts')).toEqual([
      'avro/registration/2024/02/01/in-open-merge.avro',
      'avro/registration/2026/05/20/recent.avro',
      'raw/campaign_events/dt=2026-05-20/hour=03/events.ndjson.gz',
    ]);

    // A second sweep finds nothing more.
    const again = await retention().enforce({ now });
    expect(Object.values(again).map(({ deleted }) => deleted)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('keeps a kind for good with a period of 0', async () => {
    const { db } = store;
    await fillEveryKind(db);
    await fillLake(db);
    const run = await retention({ RETENTION_OUTBOX_DAYS: '0', RETENTION_LAKE_DAYS: '0' }).enforce({ now });
    expect(run.OUTBOX_MESSAGES).toEqual({ cutoff: null, deleted: 0 });
    expect(run.LAKE_FILES).toEqual({ cutoff: null, deleted: 0 });
    expect(await db.collection('outbox').countDocuments({})).toBe(2);
    expect(await objects.list('')).toHaveLength(7);
  });

  it('tells each kind: its period, its oldest item and its last sweep', async () => {
    const { db } = store;
    await fillEveryKind(db);
    await fillLake(db);
    const subject = retention();
    const before = await subject.status();
    expect(before.map(({ kind, setting, days, lastSweep }) => ({ kind, setting, days, lastSweep }))).toEqual([
      { kind: 'CLICK_EVENTS', setting: 'RETENTION_CLICK_EVENTS_DAYS', days: 180, lastSweep: null },
      {
        kind: 'AGGREGATED_CLICK_EVENTS',
        setting: 'RETENTION_AGGREGATED_CLICK_EVENTS_DAYS',
        days: 400,
        lastSweep: null,
      },
      { kind: 'CAMPAIGN_EVENTS', setting: 'RETENTION_CAMPAIGN_EVENTS_DAYS', days: 400, lastSweep: null },
      { kind: 'OUTBOX_MESSAGES', setting: 'RETENTION_OUTBOX_DAYS', days: 90, lastSweep: null },
      { kind: 'WAVE_MESSAGES', setting: 'RETENTION_WAVE_MESSAGES_DAYS', days: 180, lastSweep: null },
      { kind: 'JOB_RECORDS', setting: 'RETENTION_JOBS_DAYS', days: 90, lastSweep: null },
      { kind: 'AUDIT_ENTRIES', setting: 'RETENTION_AUDIT_DAYS', days: 365, lastSweep: null },
      { kind: 'LAKE_FILES', setting: 'RETENTION_LAKE_DAYS', days: 730, lastSweep: null },
    ]);
    const oldest = (status: typeof before) => Object.fromEntries(status.map(({ kind, oldestAt }) => [kind, oldestAt]));
    expect(oldest(before)).toEqual({
      CLICK_EVENTS: daysAgo(400),
      AGGREGATED_CLICK_EVENTS: daysAgo(500),
      CAMPAIGN_EVENTS: daysAgo(500),
      OUTBOX_MESSAGES: daysAgo(400),
      WAVE_MESSAGES: daysAgo(400),
      JOB_RECORDS: daysAgo(400),
      AUDIT_ENTRIES: daysAgo(400),
      // Known from a sweep only.
      LAKE_FILES: null,
    });

    await subject.enforce({ now });
    const after = await subject.status();
    expect(oldest(after)).toEqual({
      // The unprocessed row stays; the rejects left are recent.
      CLICK_EVENTS: daysAgo(10),
      AGGREGATED_CLICK_EVENTS: daysAgo(10),
      CAMPAIGN_EVENTS: daysAgo(10),
      // The text whose receipt is due.
      OUTBOX_MESSAGES: daysAgo(400),
      // The waves still sending or ended lately were made 400 days ago.
      WAVE_MESSAGES: daysAgo(400),
      // The running job and the file's job.
      JOB_RECORDS: daysAgo(400),
      AUDIT_ENTRIES: daysAgo(10),
      LAKE_FILES: new Date('2024-02-01T00:00:00Z'),
    });
    expect(after.find(({ kind }) => kind === 'LAKE_FILES')!.lastSweep).toMatchObject({
      deleted: 4,
      cutoff: daysAgo(730),
    });
    expect(await db.collection(RETENTION_SWEEPS).countDocuments({})).toBe(8);
  });

  it('deletes in bounded batches, letting other writes through between them', async () => {
    const rejects = store.db.collection('email_click_rejects');
    await rejects.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: `r${i}`, at: daysAgo(400) })) as Document[]);
    const batchSizes: number[] = [];
    let pipelineWrite: Promise<unknown> | undefined;
    let pipelineWritten = false;
    let writtenBeforeNextBatch: boolean | undefined;
    const watched = new Proxy(rejects, {
      get(target, property, receiver) {
        if (property !== 'deleteMany') return Reflect.get(target, property, receiver);
        return (filter: { _id: { $in: unknown[] } }) => {
          batchSizes.push(filter._id.$in.length);
          if (batchSizes.length === 1) {
            // A pipeline's write, asked for while the first batch is being deleted...
            pipelineWrite = store.db.collection('pipeline').insertOne({ _id: 'meanwhile' } as Document);
            void pipelineWrite.then(() => (pipelineWritten = true));
          } else if (batchSizes.length === 2) {
            writtenBeforeNextBatch = pipelineWritten;
          }
          return target.deleteMany(filter as Document);
        };
      },
    });
    expect(await deleteInBatches(watched, { at: { $lt: daysAgo(180) } }, { batchSize: 25, pauseMs: 0 })).toBe(200);
    expect(batchSizes).toEqual(Array(8).fill(25));
    // ...is done before the second batch starts.
    expect(writtenBeforeNextBatch).toBe(true);
    await pipelineWrite;
  });

  it('reads what it deletes through indexes, not by scanning collections', async () => {
    const { db } = store;
    await fillEveryKind(db);
    const examined = async (collection: string, filter: Document) => {
      const plan = await db.collection(collection).find(filter).explain('executionStats');
      return (plan.executionStats as { totalDocsExamined: number }).totalDocsExamined;
    };
    const cutoff = daysAgo(90);
    const filters = Object.values(RETAINED_COLLECTIONS)
      .flat()
      .map(({ collection, expired }) => [collection, expired(cutoff)] as const);
    const found = Object.fromEntries(
      await Promise.all(filters.map(async ([collection, filter]) => [collection, await examined(collection, filter)])),
    );
    found.email_click_events = await examined('email_click_events', clickEventsBefore('bu1', cutoff));
    found.campaign_events = await examined('campaign_events', { campaignId: 'c1', occurredAt: { $lt: cutoff } });
    // Only the old documents are read (and, for jobs, the old finished ones of which a file's job stays).
    expect(found).toEqual({
      email_click_events: 1,
      campaign_events: 1,
      sfmc_click_log: 2,
      email_click_rejects: 1,
      outbox: 1,
      smsOutbox: 2,
      notifications: 1,
      jobs: 3,
      audit_log: 1,
    });
  });

  it('reads the period of a lake file from its key', () => {
    expect(lakePeriodOf('avro/registration/2024/02/29/x.avro')).toEqual({
      start: new Date('2024-02-29T00:00:00Z'),
      end: new Date('2024-03-01T00:00:00Z'),
    });
    expect(lakePeriodOf('avro/archived/registration/superseded/2024/12/merged-a.avro')).toEqual({
      start: new Date('2024-12-01T00:00:00Z'),
      end: new Date('2025-01-01T00:00:00Z'),
    });
    expect(lakePeriodOf('raw/campaign_events/dt=2026-03-08/hour=05/e.ndjson.gz')).toEqual({
      start: new Date('2026-03-08T00:00:00Z'),
      end: new Date('2026-03-09T00:00:00Z'),
    });
    expect(lakePeriodOf('avro/registration/2024/02/30/x.avro')).toBeNull();
    expect(lakePeriodOf('avro/registration/notes.txt')).toBeNull();
  });
});

describe('retention in the health query', () => {
  it('shows each kind to a key holder, and needs a key', async () => {
    const server = await startTestServer({ RETENTION_JOBS_DAYS: '30' });
    try {
      const lately = new Date(Date.now() - 5 * DAY);
      await server.app.db.collection('outbox').insertOne({ _id: 'o1', createdAt: lately } as Document);
      const viewer = await server.createApiKey(Role.VIEWER);
      const query = '{ health { status retention { kind setting days oldestAt lastSweep { deleted } } } }';
      const answer = await graphql<{ health: { retention: Document[] } }>(server.url, query, {}, { key: viewer });
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.health.retention).toHaveLength(8);
      expect(answer.data!.health.retention).toContainEqual({
        kind: 'CAMPAIGN_EVENTS',
        setting: 'RETENTION_CAMPAIGN_EVENTS_DAYS',
        days: 400,
        oldestAt: null,
        lastSweep: null,
      });
      expect(answer.data!.health.retention).toContainEqual({
        kind: 'JOB_RECORDS',
        setting: 'RETENTION_JOBS_DAYS',
        days: 30,
        oldestAt: null,
        lastSweep: null,
      });
      expect(answer.data!.health.retention).toContainEqual(
        expect.objectContaining({ kind: 'OUTBOX_MESSAGES', oldestAt: lately.toISOString() }),
      );

      await server.servicesOf(retentionFeature).retention.enforce();
      const swept = await graphql<{ health: { retention: Document[] } }>(server.url, query, {}, { key: viewer });
      expect(swept.data!.health.retention).toContainEqual(
        expect.objectContaining({ kind: 'OUTBOX_MESSAGES', lastSweep: { deleted: 0 } }),
      );

      const anonymous = await graphql(server.url, '{ health { retention { kind } } }');
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const publicPart = await graphql<{ health: { status: string } }>(server.url, '{ health { status } }');
      expect(publicPart.data!.health.status).toBe('OK');
    } finally {
      await server.stop();
    }
  });
});
