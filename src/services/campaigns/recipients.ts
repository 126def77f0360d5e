import { Readable } from 'node:stream';
import { signDownload } from '../../datasources/objects/downloadLinks';
import type { ObjectStore } from '../../datasources/objects/port';
import type { RememberedFigures } from '../../datasources/rememberedFigures';
import type { Db, Filter } from '../../datasources/store';
import { paginate, type Page, type PageArgs } from '../pagination';
import { getCampaign } from './campaigns';
import { C, recipientFlags, type CampaignDoc, type RecipientDoc, type RecipientStatus } from './model';
import { flagTotals, keptRecipientCounts } from './recipientCounts';
import { STATS_COLLECTIONS } from './statsRollup';
import { membersOf, type RecipientMember } from './recipientMembers';
import type { TrackingSite } from './trackingSite';

export interface RecipientFilter {
  opened?: boolean | null;
  clicked?: boolean | null;
  converted?: boolean | null;
  status?: RecipientStatus | null;
}

/**
 * The store filter of a campaign's recipients matching `filter`. A status, or a flag that must be
 * on, has an index listing its recipients in _id order (indexes.ts): a page reads its rows only.
 */
export function recipientQuery(campaignId: string, filter: RecipientFilter = {}): Filter<RecipientDoc> {
  const query: Filter<RecipientDoc> = { campaignId };
  for (const flag of [...recipientFlags, 'status'] as const) {
    if (filter[flag] !== undefined && filter[flag] !== null) (query as Record<string, unknown>)[flag] = filter[flag];
  }
  return query;
}

const columns = [
  'email',
  'name',
  'status',
  'sentAt',
  'opened',
  'firstOpenedAt',
  'lastOpenedAt',
  'clicked',
  'firstClickedAt',
  'lastClickedAt',
  'converted',
  'firstConvertedAt',
  'lastConvertedAt',
  'reason',
] as const;

/** RFC 4180 quoting; a leading = + - @ is prefixed so spreadsheets do not run it as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Recipients whose member is read along, this many at a time. */
const CSV_CHUNK = 1000;

async function* csvLines(db: Db, query: Filter<RecipientDoc>, counter: { rows: number }): AsyncGenerator<string> {
  yield `${columns.join(',')}\n`;
  let chunk: RecipientDoc[] = [];
  const lines = async function* (): AsyncGenerator<string> {
    const members = await membersOf(db, chunk);
    for (const recipient of chunk) {
      const member = members.get(recipient.memberId);
      const row: Record<string, unknown> = { ...recipient, email: member?.email, name: member?.name };
      yield `${columns.map((column) => csvCell(row[column])).join(',')}\n`;
    }
    counter.rows += chunk.length;
    chunk = [];
  };
  for await (const recipient of db.collection<RecipientDoc>(C.recipients).find(query, { sort: { _id: 1 } })) {
    chunk.push(recipient);
    if (chunk.length >= CSV_CHUNK) yield* lines();
  }
  yield* lines();
}

/** What a listed recipient becomes, given its member as it is now. */
export type RecipientNode<N> = (recipient: RecipientDoc, member: RecipientMember | undefined) => N;

/**
 * How many recipients match `filter` by the campaign's kept figures (recipientCounts.ts): all of
 * them, those sent, and those with one flag on or off. Undefined for a filter they do not answer
 * (another status, or several conditions at once), whose recipients are counted.
 */
export async function keptRecipientTotal(
  db: Db,
  campaign: CampaignDoc,
  filter: RecipientFilter,
): Promise<number | undefined> {
  const given = (['status', ...recipientFlags] as const).filter((field) => (filter[field] ?? null) !== null);
  if (given.length > 1 || (filter.status && filter.status !== 'SENT')) return undefined;
  const { audienceSize, sent, totals } = await keptRecipientCounts(db, campaign);
  const condition = given[0];
  if (!condition) return audienceSize;
  if (condition === 'status') return sent;
  const flagged = totals?.[flagTotals[condition]] ?? 0;
  return filter[condition] ? flagged : audienceSize - flagged;
}

/** What a page of recipients is read from: the page changes with any of these collections. */
const PAGE_COLLECTIONS = [C.campaigns, C.recipients, C.members, STATS_COLLECTIONS.totals];

async function readRecipientsPage(db: Db, campaignId: string, filter: RecipientFilter, page: PageArgs) {
  const campaign = await getCampaign(db, campaignId);
  const found = await paginate(db.collection<RecipientDoc>(C.recipients), recipientQuery(campaignId, filter), page, {
    toNode: (doc: RecipientDoc) => doc,
    totalCount: await keptRecipientTotal(db, campaign, filter),
  });
  const members = await membersOf(
    db,
    found.edges.map((edge) => edge.node),
  );
  return { found, members };
}

/**
 * A page of a campaign's recipients matching `filter`; with `figures`, read once per change to
 * what it is read from, however many callers ask for it in between.
 */
export async function recipientsPage<N>(
  db: Db,
  campaignId: string,
  filter: RecipientFilter,
  page: PageArgs,
  toNode: RecipientNode<N>,
  figures?: RememberedFigures,
): Promise<Page<N>> {
  const read = () => readRecipientsPage(db, campaignId, filter, page);
  const key = `recipients|${JSON.stringify([campaignId, recipientQuery(campaignId, filter), page.first, page.after])}`;
  const { found, members } = figures ? await figures.get(key, PAGE_COLLECTIONS, read) : await read();
  const edges = found.edges.map(({ cursor, node }) => ({ cursor, node: toNode(node, members.get(node.memberId)) }));
  return { ...found, edges };
}

/** Where a recipients export reads, writes, and points its download link. */
export interface RecipientExportDeps {
  db: Db;
  objects: ObjectStore;
  site: TrackingSite;
}

export interface RecipientExport {
  key: string;
  url: string;
  expiresAt: Date;
  rows: number;
}

/** Download links for exports stay valid this long. */
const EXPORT_LINK_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Writes the campaign's recipients matching `filter` as CSV to the objects port (streamed from
 * the store: memory stays flat whatever the audience size) and answers a signed, expiring
 * download URL served by this service under /files/.
 */
export async function exportCampaignRecipients(
  deps: RecipientExportDeps,
  campaignId: string,
  filter: RecipientFilter,
  now = new Date(),
): Promise<RecipientExport> {
  await getCampaign(deps.db, campaignId);
  const counter = { rows: 0 };
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const key = `exports/campaigns/${campaignId}/recipients-${stamp}.csv`;
  const csv = Readable.from(csvLines(deps.db, recipientQuery(campaignId, filter), counter));
  await deps.objects.put(key, csv, 'text/csv; charset=utf-8');
  const expiresAt = new Date(now.getTime() + EXPORT_LINK_TTL_MS);
  const url = downloadUrl(deps.site.baseUrl, key, await deps.site.secret(), expiresAt);
  return { key, url, expiresAt, rows: counter.rows };
}

export function downloadUrl(base: string, key: string, secret: string, expiresAt: Date): string {
  const { expires, signature } = signDownload(secret, key, expiresAt);
  return `${base}/files/${key.split('/').map(encodeURIComponent).join('/')}?expires=${expires}&signature=${signature}`;
}
