import type { Collection, Db } from '../../../datasources/store';
import type { CampaignDirectory } from '../campaignDirectory';
import { marketOf } from '../campaignDirectory';
import { entryId, FAN_ENTRIES, type FanCampaignDoc, type FanEntryDoc } from '../model';
import type { LakeWriter, RecordOutcome, RegistrationRecord } from '../records';
import { toE164 } from './phone';
import { registrationRefusal } from './registrationChecks';

export interface FanRegistrationsDeps {
  db: Db;
  directory: CampaignDirectory;
  lake: LakeWriter;
}

/** What a re-registration changes: the registration's own fields, never score, verdict or code. */
type RegistrationFields = Pick<
  FanEntryDoc,
  'email' | 'phone' | 'firstName' | 'marketPreferences' | 'market' | 'smsConsent' | 'updatedAt'
>;

const DUPLICATE_KEY = 11000;

/**
 * The registration pipeline (seed 004 saveCampaignData for registrations): each record checked
 * against its campaign, its phone number read in the country of the fan's first market, and
 * written as the fan's entry, one per fan per campaign. A re-registration updates the entry in
 * place and keeps its first registeredAt, score, verdict and code. Accepted records also go to the
 * lake, in the same store commit as the entries.
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
    const [existing] = await Promise.all([this.insertNew(docs), this.deps.lake.append('registration', records)]);
    if (existing.length === 0) return;
    await this.entries.bulkWrite(
      existing.map((doc) => ({ updateOne: { filter: { _id: doc._id }, update: { $set: registrationFields(doc) } } })),
      { ordered: false },
    );
  }

  /** Inserts the entries; returns those that exist already. */
  private async insertNew(docs: FanEntryDoc[]): Promise<FanEntryDoc[]> {
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
