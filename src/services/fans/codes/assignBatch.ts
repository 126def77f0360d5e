import type { AnyBulkWriteOperation, Collection } from '../../../datasources/store';
import type { CampaignDirectory } from '../campaignDirectory';
import { entryId, type CodeDoc, type CodeKind, type DemandDoc, type FanEntryDoc } from '../model';
import type { CodeAssignmentRecord, LakeWriter } from '../records';
import type { AssignmentAsk } from './assignmentAsk';
import { reject, type AssignmentReject } from './assignmentRejects';
import { claimGivenCodes, takePoolCodes } from './claimCodes';
import type { CodeDispenser } from './codeDispenser';
import type { EntryLocks } from './entryLocks';
import type { CodePoolCounts } from './poolCounts';
import type { VerdictV1 } from './verdicts';

export interface AssignBatchDeps {
  entries: Collection<FanEntryDoc>;
  demand: Collection<DemandDoc>;
  codes: Collection<CodeDoc>;
  directory: CampaignDirectory;
  dispenser: CodeDispenser;
  /** The pools' counts, changed in the claims' commits. */
  counts: CodePoolCounts;
  locks: EntryLocks;
  lake: LakeWriter;
  /** Publishes each batch's verdicts (one message per batch and campaign), issued with the group's last writes. */
  publish(batches: AssignmentResult[][]): Promise<unknown>;
}

/** What became of one record: a verdict to publish (with what was done), or the reason it was refused. */
export type AssignmentResult =
  | { outcome: 'assigned' | 'unchanged' | 'refreshed'; campaignId: string; verdict: VerdictV1 }
  | { outcome: 'rejected'; rejected: AssignmentReject };

/** The fields of an entry a round reads: the rest is left to the store (an entry held while its round runs is smaller). */
const ENTRY_FIELDS = { campaignId: 1, userId: 1, email: 1, code: 1, codeKind: 1, selectedEvents: 1 } as const;

/** What a record asks of its fan's entry as it is now. */
type Plan =
  | { type: 'reject'; rejected: AssignmentReject }
  | { type: 'unchanged'; entry: FanEntryDoc }
  | { type: 'refresh'; entry: FanEntryDoc }
  | { type: 'assign'; entry: FanEntryDoc; code: string | null; source: 'tm' | 'pool' | 'next' };

/**
 * A group of checked records, made of whole batches: campaigns and fans looked up, then the fans'
 * entries read and changed under this process's per-fan locks, in rounds when a fan appears twice
 * (the second record sees what the first did). Each round reads its entries in one query, claims
 * its pool codes in one bulk write, and writes its entries, demand and lake records together; with
 * the last round, each batch's verdicts go out. All of a round's writes are issued in one turn:
 * one commit on the embedded store, whose queue lives in it too.
 */
export async function assignGroup(
  deps: AssignBatchDeps,
  asks: AssignmentAsk[],
  batchSize: number,
): Promise<AssignmentResult[]> {
  return commitGroup(deps, await prepareGroup(deps, asks, batchSize));
}

/** A group with its campaigns and fans looked up. */
interface PreparedGroup {
  asks: AssignmentAsk[];
  /** Each record's entry id, or why its campaign or fan is unknown. */
  fans: (string | AssignmentReject)[];
  /** Records per batch: each batch's verdicts are published as a batch handled alone publishes them. */
  batchSize: number;
}

/** Looks up the group's campaigns and fans. */
async function prepareGroup(deps: AssignBatchDeps, asks: AssignmentAsk[], batchSize: number): Promise<PreparedGroup> {
  const campaignIds = [...new Set(asks.map((ask) => ask.campaignId))];
  const campaigns = await Promise.all(campaignIds.map((id) => deps.directory.get(id)));
  const known = new Set(campaignIds.filter((_, index) => campaigns[index] !== null));
  return { asks, fans: await resolveEntryIds(deps.entries, asks, known), batchSize };
}

/**
 * Assigns a prepared group under the locks of its fans. The locks are registered when this is
 * called, before its first await: groups wait for the groups of other calls that registered a fan
 * of theirs before them, in that order.
 */
function commitGroup(deps: AssignBatchDeps, group: PreparedGroup): Promise<AssignmentResult[]> {
  const { asks, fans } = group;
  const results: AssignmentResult[] = new Array(asks.length);
  const pending: number[] = [];
  fans.forEach((fan, index) => {
    if (typeof fan === 'string') pending.push(index);
    else results[index] = { outcome: 'rejected', rejected: fan };
  });
  if (pending.length === 0) return Promise.resolve(results);
  const groupFans = pending.map((index) => fans[index] as string);
  return deps.locks.run(groupFans, async () => {
    for (let left = pending; left.length > 0;) {
      const round: number[] = [];
      const later: number[] = [];
      const inRound = new Set<string>();
      for (const index of left) {
        const id = fans[index] as string;
        if (inRound.has(id)) later.push(index);
        else {
          inRound.add(id);
          round.push(index);
        }
      }
      // the verdicts go out with the last round's writes, those of earlier rounds included
      const publish =
        later.length === 0
          ? (roundResults: AssignmentResult[]) => {
              round.forEach((index, slot) => (results[index] = roundResults[slot]!));
              return deps.publish(verdictsByBatch(group, results));
            }
          : null;
      const roundAsks = round.map((index) => asks[index]!);
      const roundIds = round.map((index) => fans[index] as string);
      const roundResults = await assignRound(deps, roundAsks, roundIds, publish);
      round.forEach((index, slot) => (results[index] = roundResults[slot]!));
      left = later;
    }
    return results;
  });
}

/**
 * The group's results cut into its batches, each in the order a batch handled alone publishes
 * them: the records of its earlier rounds (a fan repeated within it), then those of its last,
 * each in record order. A batch whose fans are all distinct keeps record order.
 */
function verdictsByBatch({ fans, batchSize }: PreparedGroup, results: AssignmentResult[]): AssignmentResult[][] {
  const batches: AssignmentResult[][] = [];
  for (let start = 0; start < results.length; start += batchSize) {
    const end = Math.min(start + batchSize, results.length);
    const seen = new Map<string, number>();
    const rounds: number[] = [];
    let last = 0;
    for (let index = start; index < end; index++) {
      const fan = fans[index]!;
      const round = typeof fan === 'string' ? (seen.get(fan) ?? 0) + 1 : 0;
      if (typeof fan === 'string') seen.set(fan, round);
      rounds.push(round);
      last = Math.max(last, round);
    }
    const earlier: AssignmentResult[] = [];
    const lastRound: AssignmentResult[] = [];
    rounds.forEach((round, offset) => (round === last ? lastRound : earlier).push(results[start + offset]!));
    batches.push([...earlier, ...lastRound]);
  }
  return batches;
}

/** Each record's entry id, or why its fan or campaign is unknown. */
async function resolveEntryIds(
  entries: Collection<FanEntryDoc>,
  asks: AssignmentAsk[],
  knownCampaigns: Set<string>,
): Promise<(string | AssignmentReject)[]> {
  const emailsByCampaign = new Map<string, Set<string>>();
  for (const ask of asks) {
    if (ask.userId || !knownCampaigns.has(ask.campaignId)) continue;
    const emails = emailsByCampaign.get(ask.campaignId) ?? new Set<string>();
    emails.add(ask.email!);
    emailsByCampaign.set(ask.campaignId, emails);
  }
  const idsByEmail = new Map<string, string[]>();
  await Promise.all(
    [...emailsByCampaign].map(async ([campaignId, emails]) => {
      const found = await entries
        .find({ campaignId, email: { $in: [...emails] } }, { projection: { _id: 1, email: 1 } })
        .toArray();
      for (const doc of found) {
        const key = `${campaignId}\n${doc.email}`;
        idsByEmail.set(key, [...(idsByEmail.get(key) ?? []), doc._id]);
      }
    }),
  );
  return asks.map((ask) => {
    if (!knownCampaigns.has(ask.campaignId)) {
      return reject('CAMPAIGN_NOT_FOUND', `fan campaign ${ask.campaignId} was not found`);
    }
    if (ask.userId) return entryId(ask.campaignId, ask.userId);
    const ids = idsByEmail.get(`${ask.campaignId}\n${ask.email}`) ?? [];
    if (ids.length === 0) return notRegistered(ask);
    if (ids.length > 1) {
      return reject(
        'EMAIL_AMBIGUOUS',
        `${ids.length} fans of the campaign registered with ${ask.email}: name the userId`,
      );
    }
    return ids[0]!;
  });
}

const notRegistered = (ask: AssignmentAsk) =>
  reject(
    'FAN_NOT_REGISTERED',
    `${ask.userId ? `user ${ask.userId}` : ask.email} is not registered for ${ask.campaignId}`,
  );

function planOf(ask: AssignmentAsk, entry: FanEntryDoc | null): Plan {
  if (!entry) return { type: 'reject', rejected: notRegistered(ask) };
  if (ask.refresh) {
    if (entry.code === null) {
      return { type: 'reject', rejected: reject('NOTHING_TO_REFRESH', 'the fan has no code to re-publish') };
    }
    return { type: 'refresh', entry };
  }
  if (ask.code === null)
    return entry.code === null ? { type: 'assign', entry, code: null, source: 'next' } : { type: 'unchanged', entry };
  if (entry.code === ask.code && entry.codeKind === ask.kind) return { type: 'unchanged', entry };
  return { type: 'assign', entry, code: ask.code, source: ask.kind === 'TM' ? 'tm' : 'pool' };
}

async function assignRound(
  deps: AssignBatchDeps,
  asks: AssignmentAsk[],
  ids: string[],
  publish: ((results: AssignmentResult[]) => Promise<unknown>) | null,
): Promise<AssignmentResult[]> {
  const docs = await deps.entries.find({ _id: { $in: ids } }, { projection: ENTRY_FIELDS }).toArray();
  const byId = new Map(docs.map((doc) => [doc._id, doc]));
  const plans = asks.map((ask, index) => planOf(ask, byId.get(ids[index]!) ?? null));
  await claimCodes(deps, asks, plans);
  const now = new Date();
  const entryWrites: AnyBulkWriteOperation<FanEntryDoc>[] = [];
  const demandWrites: AnyBulkWriteOperation<DemandDoc>[] = [];
  const lakeRecords: CodeAssignmentRecord[] = [];
  const results = asks.map((ask, index): AssignmentResult => {
    const plan = plans[index]!;
    if (plan.type === 'reject') return { outcome: 'rejected', rejected: plan.rejected };
    const { entry } = plan;
    if (plan.type === 'unchanged')
      return accepted('unchanged', ask, entry, entry.code!, entry.codeKind!, entry.selectedEvents);
    const events =
      plan.type === 'refresh' && ask.selectedEvents.length === 0 ? entry.selectedEvents : ask.selectedEvents;
    const code = plan.type === 'refresh' ? entry.code! : plan.code!;
    const kind = plan.type === 'refresh' ? entry.codeKind! : ask.kind;
    const set =
      plan.type === 'refresh'
        ? { selectedEvents: events, updatedAt: now }
        : { verdict: true, verdictReason: null, code, codeKind: kind, selectedEvents: events, updatedAt: now };
    entryWrites.push({ updateOne: { filter: { _id: entry._id }, update: { $set: set } } });
    demandWrites.push({
      updateOne: {
        filter: { _id: entry._id },
        update: {
          $set: { campaignId: entry.campaignId, userId: entry.userId, selectedEvents: events, updatedAt: now },
        },
        upsert: true,
      },
    });
    lakeRecords.push({
      ...ask.record,
      campaignId: entry.campaignId,
      userId: entry.userId,
      email: entry.email,
      code,
      codeKind: kind,
      selectedEvents: events,
    });
    return accepted(plan.type === 'refresh' ? 'refreshed' : 'assigned', ask, entry, code, kind, events);
  });
  await Promise.all([
    entryWrites.length > 0 ? deps.entries.bulkWrite(entryWrites, { ordered: false }) : null,
    demandWrites.length > 0 ? deps.demand.bulkWrite(demandWrites, { ordered: false }) : null,
    lakeRecords.length > 0 ? deps.lake.append('codeAssignment', lakeRecords) : null,
    publish ? publish(results) : null,
  ]);
  return results;
}

/** Claims the pool codes the plans need, turning a refused claim into its reject. */
async function claimCodes(deps: AssignBatchDeps, asks: AssignmentAsk[], plans: Plan[]): Promise<void> {
  const given: number[] = [];
  const next: number[] = [];
  plans.forEach((plan, index) => {
    if (plan.type === 'assign' && plan.source === 'pool') given.push(index);
    if (plan.type === 'assign' && plan.source === 'next') next.push(index);
  });
  const claimOf = (index: number) => {
    const { entry } = plans[index] as Extract<Plan, { type: 'assign' }>;
    const ask = asks[index]!;
    return { campaignId: entry.campaignId, entryId: entry._id, userId: entry.userId, waveId: ask.waveId, at: ask.at };
  };
  const [claimed, taken] = await Promise.all([
    given.length === 0
      ? []
      : claimGivenCodes(
          deps.codes,
          deps.counts,
          given.map((index) => ({
            ...claimOf(index),
            code: asks[index]!.code!,
            kind: asks[index]!.kind as CodeDoc['kind'],
          })),
        ),
    next.length === 0 ? [] : takePoolCodes(deps.codes, deps, next.map(claimOf)),
  ]);
  given.forEach((index, slot) => {
    const result = claimed[slot]!;
    if (!result.ok) plans[index] = { type: 'reject', rejected: result.rejected };
  });
  next.forEach((index, slot) => {
    const code = taken[slot];
    if (code) (plans[index] as Extract<Plan, { type: 'assign' }>).code = code;
    else
      plans[index] = { type: 'reject', rejected: reject('NO_CODES_AVAILABLE', 'the campaign has no free NON_TM code') };
  });
}

function accepted(
  outcome: 'assigned' | 'unchanged' | 'refreshed',
  ask: AssignmentAsk,
  entry: FanEntryDoc,
  code: string,
  codeKind: CodeKind,
  selectedEvents: string[],
): AssignmentResult {
  return {
    outcome,
    campaignId: entry.campaignId,
    verdict: {
      userId: entry.userId,
      email: entry.email,
      code,
      codeKind,
      selectedEvents,
      assignedAt: ask.at.toISOString(),
      waveId: ask.waveId,
      refresh: outcome === 'refreshed',
    },
  };
}
