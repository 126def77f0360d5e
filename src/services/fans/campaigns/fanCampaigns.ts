import { ObjectId } from 'bson';
import type { RememberedFigures } from '../../../datasources/rememberedFigures';
import type { Db, Filter } from '../../../datasources/store';
import { notFound } from '../../../errors';
import { paginate, type Page, type PageArgs } from '../../pagination';
import type { CampaignDirectory } from '../campaignDirectory';
import { FAN_CAMPAIGNS, type FanCampaignDoc, type FanCampaignStatus } from '../model';
import type { FanEntries } from '../entries/fanEntries';
import { campaignConflict } from './campaignConflict';
import { checkWindow, parseCampaignCreate, toMarketDoc } from './campaignInput';
import { updateCampaign } from './updateCampaign';

const DUPLICATE_KEY = 11000;

interface Deps {
  db: Db;
  /** Forgotten after every change, so this process's pipelines see it at once. */
  directory: CampaignDirectory;
  entries: FanEntries;
  /** On the embedded store: a campaign is read once per change to the campaigns. */
  remembered?: RememberedFigures;
}

/**
 * Fan campaigns as operators set them up: DRAFT (being set up) -> OPEN (registrations accepted)
 * -> CLOSED. Every write validates the whole campaign and names the offending field.
 */
export class FanCampaigns {
  constructor(private readonly deps: Deps) {}

  private get collection() {
    return this.deps.db.collection<FanCampaignDoc>(FAN_CAMPAIGNS);
  }

  find(id: string): Promise<FanCampaignDoc | null> {
    const read = () => this.collection.findOne({ _id: id });
    return this.deps.remembered ? this.deps.remembered.get(`fanCampaign|${id}`, [FAN_CAMPAIGNS], read) : read();
  }

  async get(id: string): Promise<FanCampaignDoc> {
    const doc = await this.find(id);
    if (!doc) throw notFound('Fan campaign', id);
    return doc;
  }

  /** Newest first, of one status when asked. */
  list<N>(
    status: FanCampaignStatus | null | undefined,
    args: PageArgs,
    toNode: (doc: FanCampaignDoc) => N,
  ): Promise<Page<N>> {
    const filter: Filter<FanCampaignDoc> = status ? { status } : {};
    return paginate(this.collection, filter, args, { sortField: 'createdAt', direction: -1, toNode });
  }

  async create(input: unknown, now = new Date()): Promise<FanCampaignDoc> {
    const fields = parseCampaignCreate(input);
    const registrationOpensAt = fields.registrationOpensAt ?? null;
    const registrationClosesAt = fields.registrationClosesAt ?? null;
    checkWindow(registrationOpensAt, registrationClosesAt);
    const doc: FanCampaignDoc = {
      _id: fields.id ?? new ObjectId().toHexString(),
      name: fields.name,
      artist: fields.artist,
      status: 'DRAFT',
      scoringType: fields.scoringType,
      registrationOpensAt,
      registrationClosesAt,
      markets: fields.markets.map(toMarketDoc),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.collection.insertOne(doc);
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      throw campaignConflict(`A fan campaign with id ${doc._id} exists already`, 'DUPLICATE_ID');
    }
    this.deps.directory.forget(doc._id);
    return doc;
  }

  async update(id: string, input: unknown, now = new Date()): Promise<FanCampaignDoc> {
    const updated = await updateCampaign(this.deps.db, this.deps.entries, await this.get(id), input, now);
    this.deps.directory.forget(id);
    return updated;
  }

  /** DRAFT -> OPEN: registrations are accepted from now on (its window permitting). */
  async open(id: string, now = new Date()): Promise<FanCampaignDoc> {
    const campaign = await this.get(id);
    if (campaign.status !== 'DRAFT') {
      throw campaignConflict(`Fan campaign ${id} is ${campaign.status}: only a DRAFT can be opened`, 'NOT_DRAFT');
    }
    if (campaign.markets.length === 0) {
      throw campaignConflict(`Fan campaign ${id} has no markets: add one before opening it`, 'NO_MARKETS');
    }
    if (campaign.registrationClosesAt && campaign.registrationClosesAt <= now) {
      throw campaignConflict(`Fan campaign ${id}'s registration window closed already`, 'WINDOW_CLOSED');
    }
    return this.transition(campaign, 'OPEN', now);
  }

  /** OPEN -> CLOSED: no more registrations; scoring and codes may still be applied. */
  async close(id: string, now = new Date()): Promise<FanCampaignDoc> {
    const campaign = await this.get(id);
    if (campaign.status !== 'OPEN') {
      throw campaignConflict(`Fan campaign ${id} is ${campaign.status}: only an OPEN one can be closed`, 'NOT_OPEN');
    }
    return this.transition(campaign, 'CLOSED', now);
  }

  /** Conditional on the status read, so two concurrent transitions cannot both succeed. */
  private async transition(campaign: FanCampaignDoc, status: FanCampaignStatus, now: Date): Promise<FanCampaignDoc> {
    const updated = await this.collection.findOneAndUpdate(
      { _id: campaign._id, status: campaign.status },
      { $set: { status, updatedAt: now } },
      { returnDocument: 'after' },
    );
    this.deps.directory.forget(campaign._id);
    if (updated) return updated;
    const current = await this.get(campaign._id);
    throw campaignConflict(
      `Fan campaign ${campaign._id} became ${current.status} meanwhile: cannot make it ${status}`,
      'CHANGED_CONCURRENTLY',
    );
  }
}
