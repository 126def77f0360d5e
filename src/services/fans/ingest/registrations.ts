import type { Collection, Db } from '../../../datasources/store';
import { writtenTogether } from '../../writtenTogether';
import type { CampaignDirectory } from '../campaignDirectory';
import { marketOf } from '../campaignDirectory';
import { MarketCountChanges, type FanMarketCounts } from '../entries/marketCounts';
import { entryId, FAN_ENTRIES, type FanCampaignDoc, type FanEntryDoc } from '../model';
import type { LakeWriter, RecordOutcome, RegistrationRecord } from '../records';
import { toE164 } from './phone';
import { registrationRefusal } from './registrationChecks';

export interface FanRegistrationsDeps {
  db: Db;
  directory: CampaignDirectory;
  lake: LakeWriter;
  /** Registrations per market, kept in the entries' commit. */
  marketCounts: FanMarketCounts;
}

/** What a re-registration changes: the registration's own fields, never score, verdict or code. */
type RegistrationFields = Pick<
  FanEntryDoc,
  'email' | 'phone' | 'firstName' | 'marketPreferences' | 'market' | 'smsConsent' | 'updatedAt'
>;

const DUPLICATE_KEY = 11000;
/** Rounds of read-then-write before a batch gives up on entries other writers keep changing. */
const MAX_WRITE_ROUNDS = 10;

/**
 * The registration pipeline (seed 004 saveCampaignData for registrations): each record checked
 * against its campaign, its phone number read in the country of the fan's first market, and
 * written as the fan's entry, one per fan per campaign. A re-registration updates the entry in
 * place and keeps its first registeredAt, score, verdict and code. Accepted records also go to the
 * lake, and the registrations per market change, in the same store commit as the entries.
 */
export class FanRegistrations {
  private readonly entries: Collection<FanEntryDoc>;

  constructor(private readonly deps: FanRegistrationsDeps) {
    this.entries = deps.db.collection<FanEntryDoc>(FAN_ENTRIES);
  }

  /** One outcome per record, in order; accepted records are durable when it returns. */
  async handle(records: RegistrationRecord[]): Promise<RecordOutcome[]> {
    const campaigns = new Map<string, FanCampaignDoc | null>();
    const outcomes: RecordOutcome[] = [];
    const accepted: RegistrationRecord[] = [];
    for (const record of records) {
      let campaign = campaigns.get(record.campaignId);
      if (campaign === undefined) {
        campaign = await this.deps.directory.get(record.campaignId);
        campaigns.set(record.campaignId, campaign);
      }
      const refusal = registrationRefusal(campaign, record);
      if (refusal) {
        outcomes.push({ accepted: false, reason: refusal.message, code: refusal.code });
        continue;
      }
      const country = marketOf(campaign!, record.marketPreferences[0])?.country ?? null;
      accepted.push({ ...record, phone: toE164(record.phone, country) });
      outcomes.push({ accepted: true });
    }
    if (accepted.length > 0) await this.save(accepted);
    return outcomes;
  }

  /** The fan's entry for the campaign, as stored. */
  entry(campaignId: string, userId: string): Promise<FanEntryDoc | null> {
    return this.entries.findOne({ _id: entryId(campaignId, userId) });
  }

  /**
   * New entries are inserted (the common case, and the cheapest write); those that exist already
   * are updated. The later of two records of one fan in a batch wins, as it would one batch later.
   */
  private async save(records: RegistrationRecord[]): Promise<void> {
    const now = new Date();
    const latest = new Map<string, FanEntryDoc>();
    for (const record of records) {
      const doc = entryOf(record, now);
      latest.set(doc._id, doc);
    }
    const docs = [...latest.values()];
    const campaignIds = docs.map((doc) => doc.campaignId);
    await this.deps.marketCounts.exclusive(campaignIds, () => this.write(docs, records));
  }

  /**
   * Writes the entries, the change of the market counts they make (planned from the entries
   * stored before) and the lake's records in one turn. Updates apply only over the market that
   * was read: an entry another process inserted or moved between that read and this write is
   * read and written again, its planned count given back in that round's commit.
   */
  private async write(docs: FanEntryDoc[], records: RegistrationRecord[]): Promise<void> {
    let pending = docs;
    let lakeRecords = records;
    let changes = new MarketCountChanges();
    for (let round = 1; pending.length > 0; round++) {
      if (round > MAX_WRITE_ROUNDS) {
        throw new Error(`fan entries kept changing under this batch (${pending.length}); it will be retried`);
      }
      const stored = await this.deps.marketCounts.storedMarkets(pending.map((doc) => doc._id));
      const fresh = pending.filter((doc) => !stored.has(doc._id));
      const kept = pending.filter((doc) => stored.has(doc._id) && stored.get(doc._id) === doc.market);
      const moved = pending.filter((doc) => stored.has(doc._id) && stored.get(doc._id) !== doc.market);
      for (const doc of [...fresh, ...moved]) changes.move(doc.campaignId, stored.get(doc._id), doc.market);
      const [raced, keptAll, ...movedResults] = (await writtenTogether([
        this.insertNew(fresh),
        this.updateKept(kept),
        ...moved.map((doc) =>
          this.entries.updateOne({ _id: doc._id, market: stored.get(doc._id)! }, { $set: registrationFields(doc) }),
        ),
        ...this.deps.marketCounts.write(changes),
        this.deps.lake.append('registration', lakeRecords),
      ])) as [FanEntryDoc[], boolean, ...{ matchedCount: number }[]];
      lakeRecords = [];
      changes = new MarketCountChanges();
      pending = [...raced, ...(keptAll ? [] : kept)];
      for (const doc of raced) changes.add(doc.campaignId, doc.market, -1);
      moved.forEach((doc, index) => {
        if (movedResults[index]!.matchedCount > 0) return;
        changes.move(doc.campaignId, doc.market, stored.get(doc._id)!);
        pending.push(doc);
      });
    }
  }

  /** Updates entries whose market stays; false when one was moved meanwhile (all are written again). */
  private async updateKept(kept: FanEntryDoc[]): Promise<boolean> {
    if (kept.length === 0) return true;
    const result = await this.entries.bulkWrite(
      kept.map((doc) => ({
        updateOne: { filter: { _id: doc._id, market: doc.market }, update: { $set: registrationFields(doc) } },
      })),
      { ordered: false },
    );
    return result.matchedCount === kept.length;
  }

  /** Inserts the entries; returns those that exist already. */
  private async insertNew(docs: FanEntryDoc[]): Promise<FanEntryDoc[]> {
    if (docs.length === 0) return [];
    try {
      await this.entries.insertMany(docs, { ordered: false });
      return [];
    } catch (error) {
      const writeErrors = (
        error as { writeErrors?: { code: number; index: number }[] | { code: number; index: number } }
      ).writeErrors;
      const failed = writeErrors === undefined ? [] : Array.isArray(writeErrors) ? writeErrors : [writeErrors];
      if (failed.length === 0 || failed.some((failure) => failure.code !== DUPLICATE_KEY)) throw error;
      return failed.map((failure) => docs[failure.index]);
    }
  }
}

function entryOf(record: RegistrationRecord, now: Date): FanEntryDoc {
  return {
    _id: entryId(record.campaignId, record.userId),
    campaignId: record.campaignId,
    userId: record.userId,
    email: record.email,
    phone: record.phone,
    firstName: record.firstName,
    marketPreferences: record.marketPreferences,
    market: record.marketPreferences[0] ?? null,
    smsConsent:
      record.smsConsentSource === null
        ? null
        : { source: record.smsConsentSource, at: new Date(record.smsConsentAt ?? record.registeredAt) },
    registeredAt: new Date(record.registeredAt),
    score: null,
    verdict: null,
    verdictReason: null,
    code: null,
    codeKind: null,
    selectedEvents: [],
    updatedAt: now,
  };
}

function registrationFields(doc: FanEntryDoc): RegistrationFields {
  const { email, phone, firstName, marketPreferences, market, smsConsent, updatedAt } = doc;
  return { email, phone, firstName, marketPreferences, market, smsConsent, updatedAt };
}
