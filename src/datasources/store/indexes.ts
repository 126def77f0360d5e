import type { CreateIndexesOptions, Db, IndexSpecification } from 'mongodb';
import { campaignIndexes } from '../../services/campaigns/indexes';
import { jobIndexes } from '../../jobs/indexes';
import { queueIndexes } from '../queue/embedded/indexes';

/** One index of one collection, declared once here and created at start-up on either engine. */
export interface IndexDeclaration {
  collection: string;
  /** Ordered key pattern, e.g. `{ bu: 1, sendDate: -1 }`. */
  key: Record<string, 1 | -1>;
  /** unique, sparse, partialFilterExpression, expireAfterSeconds (TTL), name. */
  options?: Pick<CreateIndexesOptions, 'unique' | 'sparse' | 'partialFilterExpression' | 'expireAfterSeconds' | 'name'>;
}

/**
 * Every collection's indexes. Each feature appends its own entries (one block per collection,
 * with a comment saying which query or constraint the index serves).
 */
export const indexes: IndexDeclaration[] = [
  // API keys (src/auth): a presented key is found by its clear prefix, then its hash compared.
  { collection: 'api_keys', key: { prefix: 1 } },
  // apiKeys(first, after) for admins, newest first.
  { collection: 'api_keys', key: { createdAt: -1, _id: -1 } },
  // Clicks (src/services/clicks). Local data extension: the loader's page read is one range
  // on (bu, pos) over unprocessed rows; pos = EventDate then row id. Partial, so marking a row
  // processed removes one index entry instead of moving it, and the index holds only the backlog.
  { collection: 'sfmc_click_log', key: { bu: 1, pos: 1 }, options: { partialFilterExpression: { processed: false }, name: 'unprocessed_pos' } },
  // Aggregated click events: one document per (bu, day, send, url, subscriber).
  { collection: 'email_click_events', key: { bu: 1, day: 1, send: 1, url: 1, subscriber: 1 }, options: { unique: true } },
  // emailSend(id) stats and clickEvents(filter: {sendId}) by day.
  { collection: 'email_click_events', key: { send: 1, day: 1 } },
  // clickEvents filtered by URL or by subscriber.
  { collection: 'email_click_events', key: { url: 1, day: 1 } },
  { collection: 'email_click_events', key: { subscriber: 1, day: 1 } },
  // Overflow event ids of keys past 5,000 distinct ids: stored once per (key, id), counted per key.
  { collection: 'email_click_event_ids', key: { bu: 1, eventKey: 1, guid: 1 }, options: { unique: true } },
  { collection: 'email_sends', key: { bu: 1, jobId: 1 }, options: { unique: true } },
  // urlKey is a hash of the URL: URLs reach 2,048 characters, too long for an index key.
  { collection: 'email_urls', key: { bu: 1, urlKey: 1 }, options: { unique: true } },
  { collection: 'subscribers', key: { bu: 1, subscriberKey: 1 }, options: { unique: true } },
  { collection: 'categories', key: { bu: 1, categoryId: 1 }, options: { unique: true } },
  { collection: 'email_click_rejects', key: { bu: 1, at: -1 } },
  // Leads (src/services/leads). One open lead per email: the import's duplicate check and its
  // race with a concurrent upload.
  { collection: 'leads', key: { email: 1 }, options: { unique: true, partialFilterExpression: { open: true }, name: 'open_email_unique' } },
  // The router's claim: the oldest QUEUED lead (queuedAt, then upload order). Also serves the
  // time-out sweep (status ASSIGNED: at most the agents' total capacity, sorted in memory), so
  // no expiresAt index has to be maintained on every claim and answer.
  { collection: 'leads', key: { status: 1, queuedAt: 1, _id: 1 } },
  // An agent's open leads (feed replay, disconnect release) and leads(filter: {assignedTo}).
  { collection: 'leads', key: { assignedTo: 1, status: 1 } },
  // leads(filter: {importId}) and the leads list, newest upload first.
  { collection: 'leads', key: { importId: 1, createdAt: -1 } },
  { collection: 'leads', key: { createdAt: -1, _id: -1 } },
  { collection: 'lead_imports', key: { createdAt: -1, _id: -1 } },
  // The router's candidates: ONLINE agents.
  { collection: 'agents', key: { presence: 1 } },
  // Routing events are a notification feed, not the record (lead history is): kept a week.
  { collection: 'lead_events', key: { at: 1 }, options: { expireAfterSeconds: 7 * 86_400 } },
  // Is the agent still connected anywhere? (disconnect grace); an instance's sessions at stop.
  { collection: 'agent_sessions', key: { agentId: 1 } },
  { collection: 'agent_sessions', key: { instanceId: 1 } },
  // Tracking sync (src/services/tracking). The upsert key of an automated entry, exactly the
  // seed's: a re-run or a concurrent run can never make a second entry. Only automated entries:
  // other applications enter manual ones in the same collection under their own rules.
  {
    collection: 'performance_entries',
    key: { orderId: 1, itemPath: 1, dateStart: 1, source: 1 },
    options: { unique: true, partialFilterExpression: { source: 'automated' }, name: 'automated_entry_key_unique' },
  },
  // performanceEntries(filter) newest day first, alone or by campaign / publication.
  { collection: 'performance_entries', key: { dateStart: -1, _id: -1 } },
  { collection: 'performance_entries', key: { campaignId: 1, dateStart: -1 } },
  { collection: 'performance_entries', key: { publicationId: 1, dateStart: -1 } },
  // Order lookup strategy 1: the tracking script of (creativeId, publicationId), per batch.
  { collection: 'tracking_scripts', key: { creativeId: 1, publicationId: 1 } },
  // Both strategies: the orders of a batch's campaigns on its publications.
  { collection: 'publication_insertion_orders', key: { campaignId: 1, publicationId: 1 } },
  // Pixel pub= codes kept on the publications themselves, and the entry's publication field.
  { collection: 'publications', key: { publicationCode: 1 } },
  { collection: 'publications', key: { publicationId: 1 } },
  // The entry's campaign field (ad campaigns by their campaignId).
  { collection: 'ad_campaigns', key: { campaignId: 1 }, options: { unique: true } },
  // Campaigns and audiences (src/services/campaigns/indexes.ts, each entry commented there).
  ...campaignIndexes,
  // The embedded queue (src/datasources/queue/embedded/indexes.ts) and jobs (src/jobs/indexes.ts).
  ...queueIndexes,
  ...jobIndexes,
];

/**
 * Indexes earlier versions created and no declaration keeps, dropped at start-up where a store
 * still has them: each costs every write, and a unique one can refuse what the current model
 * writes (recipients no longer carry an e-mail, so (campaignId, email) would collide on null).
 */
export const retiredIndexes: Pick<IndexDeclaration, 'collection' | 'key'>[] = [
  { collection: 'campaign_recipients', key: { campaignId: 1, email: 1 } },
  { collection: 'campaign_recipients', key: { campaignId: 1, memberId: 1 } },
  { collection: 'audience_members', key: { memberId: 1 } },
  { collection: 'sfmc_click_log', key: { bu: 1, processed: 1, pos: 1 } },
  { collection: 'subscribers', key: { subscriberKey: 1 } },
  { collection: 'leads', key: { status: 1, expiresAt: 1 } },
];

/**
 * Drops the retired indexes a store still has, then creates every declared index (idempotent:
 * an existing identical index is left alone). A declaration that conflicts with an existing
 * index of the same name fails start-up with a message naming the collection, rather than
 * running with the wrong constraint.
 */
export async function applyIndexes(
  db: Db,
  declarations: readonly IndexDeclaration[] = indexes,
  retired: readonly Pick<IndexDeclaration, 'collection' | 'key'>[] = retiredIndexes,
): Promise<void> {
  for (const { collection, key } of retired) await dropIndexWithKey(db, collection, key);
  for (const { collection, key, options } of declarations) {
    try {
      await db.collection(collection).createIndex(key as IndexSpecification, options ?? {});
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot create index ${JSON.stringify(key)} on ${collection}: ${reason}`, { cause: error });
    }
  }
}

/** Drops the index of `collection` whose key pattern is `key`, if there is one. */
async function dropIndexWithKey(db: Db, collection: string, key: Record<string, 1 | -1>): Promise<void> {
  const existing = await db
    .collection(collection)
    .indexes()
    // MongoDB answers NamespaceNotFound for a collection that does not exist yet
    .catch((error: { code?: number }) => (error.code === 26 ? [] : Promise.reject(error)));
  const wanted = JSON.stringify(key);
  const index = existing.find((candidate) => JSON.stringify(candidate.key) === wanted);
  if (index?.name) await db.collection(collection).dropIndex(index.name);
}
