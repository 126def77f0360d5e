import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ObjectId, type Db } from '../../../src/datasources/store';
import { DuckDbAnalytics } from '../../../src/datasources/analytics/duckdb/duckdb';
import { applyIndexes } from '../../../src/datasources/store/indexes';
import { trackingIndexes } from '../../../src/services/tracking/indexes';
import type { Store } from '../../../src/datasources/store';
import { DEFAULT_PUBLICATION_CODES } from '../../../src/services/tracking/publicationCodes';
import { openTestStore } from '../../support/store';

export const TRACKING_COLLECTIONS = [
  'performance_entries',
  'tracking_scripts',
  'publication_insertion_orders',
  'publications',
  'ad_campaigns',
];

/** A store with the tracking indexes, a DuckDB engine over a temp log dir, and captured logs. */
export async function openTrackingFixture() {
  const store: Store = await openTestStore();
  await applyIndexes(store.db, trackingIndexes);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tracking-sync-'));
  const logsDir = path.join(dir, 'logs');
  const analytics = new DuckDbAnalytics({ logsDir });
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  return {
    db: store.db,
    analytics,
    logsDir,
    logger,
    logLines,
    async close() {
      await analytics.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface OrderSpec {
  campaignId: string;
  publicationCode: keyof typeof DEFAULT_PUBLICATION_CODES | string;
  publicationId?: number;
  items?: { itemPath: string; itemName: string; channel: string }[];
  deleted?: boolean;
}

/** Inserts an insertion order the way the hub stores it (ObjectId _id); returns its id string. */
export async function insertOrder(db: Db, spec: OrderSpec): Promise<string> {
  const publicationId = spec.publicationId ?? DEFAULT_PUBLICATION_CODES[spec.publicationCode];
  const _id = new ObjectId();
  await db.collection('publication_insertion_orders').insertOne({
    _id,
    campaignId: spec.campaignId,
    publicationId,
    publicationName: `Publication ${publicationId}`,
    selectedInventory: { publications: [{ publicationId, inventoryItems: spec.items ?? [] }] },
    ...(spec.deleted ? { deletedAt: new Date() } : {}),
  });
  return _id.toHexString();
}

export async function insertScript(
  db: Db,
  script: { creativeId: string; publicationId: number; campaignId: string; channel: string; name?: string },
) {
  await db.collection('tracking_scripts').insertOne({
    creativeId: script.creativeId,
    publicationId: script.publicationId,
    campaignId: script.campaignId,
    channel: script.channel,
    creative: script.name ? { name: script.name } : undefined,
  });
}
