import type { AnyBulkWriteOperation, Db, Document } from '../../datasources/store';
import { KeyedLock } from '../keyedLock';
import { startOfDay } from './dateRange';
import { entrySums } from './entrySums';
import { PERFORMANCE_ENTRIES, type PendingEntry } from './performanceEntry';

export const PERFORMANCE_ROLLUPS = 'performance_rollups';

/** How a figure splits the entries: not at all, or by campaign, publication or channel. */
export type RollupDimension = 'all' | 'campaign' | 'publication' | 'channel';

/** The dimensions whose figures a start's document holds beside its overall sums. */
type StartDimension = 'publication' | 'channel';
const START_DIMENSIONS: readonly StartDimension[] = ['publication', 'channel'];

export interface EntrySums {
  entries: number;
  impressions: number;
  clicks: number;
  viewableImpressions: number;
  reach: number;
}

const SUM_FIELDS = ['entries', 'impressions', 'clicks', 'viewableImpressions', 'reach'] as const;

/**
 * The sums of one campaign's performance entries that start at `at` (their dateStart: midnight
 * for every synced entry).
 */
export interface PerformanceRollupDoc extends EntrySums {
  _id: string;
  dim: 'campaign';
  value: string | number | null;
  at: Date;
}

/** One group's sums in a start's document, with the group's value. */
export interface GroupSums extends EntrySums {
  value: string | number | null;
}

/**
 * The sums of every entry that starts at `at`: all of them, and per publication and per channel
 * (under groupKey of the value). One document per start, so a range of days reads one document
 * a day, whatever the number of publications and channels.
 */
export interface StartFiguresDoc {
  _id: string;
  dim: 'start';
  at: Date;
  all: EntrySums;
  publication: Record<string, GroupSums>;
  channel: Record<string, GroupSums>;
}

/**
 * Present once the figures follow every entry the sync writes: written when a rebuild from the
 * entries ends, or at start-up on a store without entries.
 */
interface KeptMarkerDoc {
  _id: 'kept';
  dim: 'kept';
  since: Date;
}

const KEPT_MARKER = 'kept';

/** Any document of the collection: a campaign's figures, a start's, the marker. */
type RollupsDoc = Document & { _id: string };

const dimensionFields: Record<Exclude<RollupDimension, 'all'>, 'campaignId' | 'publicationId' | 'channel'> = {
  campaign: 'campaignId',
  publication: 'publicationId',
  channel: 'channel',
};

export const monthStart = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
const DAY_MS = 86_400_000;

/** Starts with the start's ISO time: a day's figures are one _id range. */
const rollupId = (value: unknown, at: Date) => `${at.toISOString()}|campaign|${JSON.stringify(value ?? null)}`;
const startId = (at: Date) => `${at.toISOString()}|start`;

/**
 * The field name of a group's value in a start's document: its type, then its text, with the
 * characters a field name cannot hold escaped ('.' and NUL, and '%' itself).
 */
export function groupKey(value: unknown): string {
  const text =
    typeof value === 'string'
      ? `s${value}`
      : typeof value === 'number'
        ? `n${value}`
        : `j${JSON.stringify(value ?? null)}`;
  return text.replace(/[%.]/g, (c) => (c === '%' ? '%25' : '%2E')).replaceAll('\u0000', '%00');
}

function emptySums(): EntrySums {
  return { entries: 0, impressions: 0, clicks: 0, viewableImpressions: 0, reach: 0 };
}

export function addSums(into: EntrySums, sums: EntrySums): void {
  for (const field of SUM_FIELDS) into[field] += sums[field];
}

function addSigned(into: EntrySums, sums: EntrySums, sign: 1 | -1): void {
  into.entries += sign * sums.entries;
  into.impressions += sign * sums.impressions;
  into.clicks += sign * sums.clicks;
  into.viewableImpressions += sign * sums.viewableImpressions;
  into.reach += sign * sums.reach;
}

const isZero = (sums: EntrySums) => SUM_FIELDS.every((field) => sums[field] === 0);

/** $inc of every sum under `path` (none: top-level). */
function incrementsOf(inc: Record<string, number>, path: string, sums: EntrySums): void {
  for (const field of SUM_FIELDS) inc[`${path}.${field}`] = sums[field];
}

/** What one entry adds to the figures: its sums, at its start, under its campaign, publication and channel. */
export interface EntryFigure {
  at: Date;
  values: Record<'campaignId' | 'publicationId' | 'channel', unknown>;
  sums: EntrySums;
}

/**
 * $round(x, 0) as the store's summary computes it for entries without viewableImpressions: half
 * rounds to the even neighbour (mingo's reading of the tenths, as the embedded store runs it).
 */
function roundHalfEven(value: number): number {
  const sign = value < 0 ? -1 : 1;
  const magnitude = Math.abs(value);
  let whole = Math.trunc(magnitude);
  const tenth = Math.trunc(10 * parseFloat((magnitude - whole).toFixed(1)));
  if (((whole & 1) === 1 && tenth >= 5) || tenth > 5) whole += 1;
  return sign * whole;
}

/** A stored entry's figure, its viewable impressions as the summary reads them (entrySums.ts). */
export function storedFigure(doc: Document): EntryFigure {
  const metrics = (doc.metrics ?? {}) as Record<string, number | undefined>;
  const impressions = metrics.impressions ?? 0;
  const viewable = metrics.viewableImpressions ?? roundHalfEven(((metrics.viewability ?? 0) * impressions) / 100);
  return {
    at: doc.dateStart as Date,
    values: { campaignId: doc.campaignId, publicationId: doc.publicationId, channel: doc.channel },
    sums: {
      entries: 1,
      impressions,
      clicks: metrics.clicks ?? 0,
      viewableImpressions: viewable,
      reach: metrics.reach ?? 0,
    },
  };
}

/** A pending entry's figure as the sync writes it (computeMetrics: its sums are the counts). */
export function pendingFigure(entry: PendingEntry): EntryFigure {
  const { campaignId, publicationId, channel } = entry.match;
  const { impressions, clicks, viewableImpressions, uniqueIps } = entry.counts;
  return {
    at: startOfDay(entry.reportDate),
    values: { campaignId, publicationId, channel },
    sums: { entries: 1, impressions, clicks, viewableImpressions, reach: uniqueIps },
  };
}

/** What a batch of entry changes adds to one start's figures. */
interface StartDelta {
  at: Date;
  all: EntrySums;
  /** By field path (dimension.groupKey). */
  groups: Map<string, { value: GroupSums['value']; sums: EntrySums }>;
}

/**
 * The figures' updates for entries changing from `before` (absent: a new entry) to `after`:
 * their differences added to the figures of each one's start: one upsert of the start's
 * document (overall, per publication and per channel) and one per campaign touched, $inc and
 * $set only (the store's fast path).
 */
export function figureChanges(
  changes: readonly { before?: EntryFigure; after: EntryFigure }[],
): AnyBulkWriteOperation<RollupsDoc>[] {
  const starts = new Map<number, StartDelta>();
  const campaigns = new Map<string, PerformanceRollupDoc>();
  const apply = (figure: EntryFigure, sign: 1 | -1) => {
    const time = figure.at.getTime();
    let start = starts.get(time);
    if (!start) {
      start = { at: figure.at, all: emptySums(), groups: new Map() };
      starts.set(time, start);
    }
    addSigned(start.all, figure.sums, sign);
    for (const dim of START_DIMENSIONS) {
      const value = (figure.values[dimensionFields[dim]] ?? null) as GroupSums['value'];
      const path = `${dim}.${groupKey(value)}`;
      let group = start.groups.get(path);
      if (!group) {
        group = { value, sums: emptySums() };
        start.groups.set(path, group);
      }
      addSigned(group.sums, figure.sums, sign);
    }
    const campaignId = (figure.values.campaignId ?? null) as PerformanceRollupDoc['value'];
    const key = `${time}\u0000${typeof campaignId}\u0000${String(campaignId)}`;
    let campaign = campaigns.get(key);
    if (!campaign) {
      campaign = {
        _id: rollupId(campaignId, figure.at),
        dim: 'campaign',
        value: campaignId,
        at: figure.at,
        ...emptySums(),
      };
      campaigns.set(key, campaign);
    }
    addSigned(campaign, figure.sums, sign);
  };
  for (const { before, after } of changes) {
    if (before) apply(before, -1);
    apply(after, 1);
  }
  const operations: AnyBulkWriteOperation<RollupsDoc>[] = [];
  for (const { at, all, groups } of starts.values()) {
    const inc: Record<string, number> = {};
    const set: Record<string, unknown> = { dim: 'start', at };
    for (const [path, { value, sums }] of groups) {
      if (isZero(sums)) continue;
      incrementsOf(inc, path, sums);
      set[`${path}.value`] = value;
    }
    if (isZero(all) && Object.keys(inc).length === 0) continue;
    incrementsOf(inc, 'all', all);
    operations.push({ updateOne: { filter: { _id: startId(at) }, update: { $inc: inc, $set: set }, upsert: true } });
  }
  for (const { _id, dim, value, at, ...sums } of campaigns.values()) {
    if (isZero(sums)) continue;
    operations.push({ updateOne: { filter: { _id }, update: { $inc: sums, $set: { dim, value, at } }, upsert: true } });
  }
  return operations;
}

/**
 * The performance figures kept beside the entries: sums per entry start, overall and per
 * publication and channel in one document per start, and per campaign in one document each. A
 * sync's flush changes them by what it changes in the entries, in the same commit as its writes
 * (figureChanges, from the entries stored before), while no other flush of its days runs in this
 * process; a day whose writes failed or raced another run's is recomputed from its entries.
 * Entries other applications write directly count from `stats rebuild`; a store whose figures
 * were never built from its entries (written before they were kept this way) gets them at
 * start-up (`buildMissing`).
 */
export class PerformanceRollups {
  private readonly days = new KeyedLock();

  constructor(private readonly db: Db) {}

  /** Issues the figures' updates for entry changes (in the caller's turn: the entries' commit). */
  change(changes: readonly { before?: EntryFigure; after: EntryFigure }[]): Promise<unknown>[] {
    const operations = figureChanges(changes);
    if (operations.length === 0) return [];
    return [this.db.collection<RollupsDoc>(PERFORMANCE_ROLLUPS).bulkWrite(operations, { ordered: false })];
  }

  /** Runs `task` as the only writer of these days' entries in this process. */
  async exclusive<T>(days: readonly string[], task: () => Promise<T>): Promise<T> {
    const [day, ...rest] = [...new Set(days)].sort();
    if (day === undefined) return task();
    return this.days.run(day, () => this.exclusive(rest, task));
  }

  /**
   * Recomputes the figures of these UTC days (YYYY-MM-DD) from their entries. The caller is the
   * days' writer (exclusive), or nothing else writes.
   */
  async recompute(days: Iterable<string>): Promise<void> {
    for (const day of new Set(days)) await this.recomputeDay(new Date(`${day}T00:00:00.000Z`));
  }

  /**
   * Recomputes every figure from the entries: each day that has entries. The old figures go
   * first, so a sync writing meanwhile keeps either the figures of a day this then recomputes,
   * or a new day's from none.
   */
  async rebuild(): Promise<number> {
    await this.db.collection<RollupsDoc>(PERFORMANCE_ROLLUPS).deleteMany({});
    const starts = await this.db
      .collection(PERFORMANCE_ENTRIES)
      .aggregate<{ _id: Date }>([{ $group: { _id: { $dateTrunc: { date: '$dateStart', unit: 'day' } } } }])
      .toArray();
    const days = starts.filter(({ _id }) => _id instanceof Date).map(({ _id }) => _id.toISOString().slice(0, 10));
    await this.exclusive(days, () => this.recompute(days.sort()));
    await this.markKept();
    return days.length;
  }

  /**
   * Builds the figures from the entries when they were never built: a store written before they
   * were kept this way, or whose last rebuild did not finish. Answers the days built (0: none
   * needed).
   */
  async buildMissing(): Promise<number> {
    const kept = await this.db.collection<KeptMarkerDoc>(PERFORMANCE_ROLLUPS).findOne({ _id: KEPT_MARKER });
    if (kept) return 0;
    const entry = await this.db.collection(PERFORMANCE_ENTRIES).findOne({}, { projection: { _id: 1 } });
    if (entry) return this.rebuild();
    await this.markKept();
    return 0;
  }

  private async markKept(): Promise<void> {
    await this.db
      .collection<KeptMarkerDoc>(PERFORMANCE_ROLLUPS)
      .replaceOne({ _id: KEPT_MARKER }, { dim: KEPT_MARKER, since: new Date() }, { upsert: true });
  }

  private async recomputeDay(day: Date): Promise<void> {
    const next = new Date(day.getTime() + DAY_MS);
    const rows = await this.db
      .collection(PERFORMANCE_ENTRIES)
      .aggregate<{ _id: { at: Date; campaignId: unknown; publicationId: unknown; channel: unknown } } & EntrySums>([
        { $match: { dateStart: { $gte: day, $lt: next } } },
        {
          $group: {
            _id: { at: '$dateStart', campaignId: '$campaignId', publicationId: '$publicationId', channel: '$channel' },
            ...entrySums,
          },
        },
      ])
      .toArray();
    const campaigns = new Map<string, PerformanceRollupDoc>();
    const starts = new Map<number, StartFiguresDoc>();
    for (const { _id: group, ...sums } of rows) {
      const value = (group.campaignId ?? null) as PerformanceRollupDoc['value'];
      const _id = rollupId(value, group.at);
      const campaign = campaigns.get(_id) ?? { _id, dim: 'campaign', value, at: group.at, ...emptySums() };
      addSums(campaign, sums);
      campaigns.set(_id, campaign);
      let start = starts.get(group.at.getTime());
      if (!start) {
        start = { _id: startId(group.at), dim: 'start', at: group.at, all: emptySums(), publication: {}, channel: {} };
        starts.set(group.at.getTime(), start);
      }
      addSums(start.all, sums);
      for (const dim of START_DIMENSIONS) {
        const groupValue = (group[dimensionFields[dim]] ?? null) as GroupSums['value'];
        const held = (start[dim][groupKey(groupValue)] ??= { value: groupValue, ...emptySums() });
        addSums(held, sums);
      }
    }
    const operations: AnyBulkWriteOperation<RollupsDoc>[] = [
      { deleteMany: { filter: { _id: { $gte: day.toISOString(), $lt: next.toISOString() } } } },
      ...[...starts.values(), ...campaigns.values()].map((document) => ({ insertOne: { document } })),
    ];
    // the day's old figures go and its new ones come in one commit on the embedded store
    await this.db.collection<RollupsDoc>(PERFORMANCE_ROLLUPS).bulkWrite(operations, { ordered: true });
  }
}
