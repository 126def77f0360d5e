import type { RememberedFigures } from '../../datasources/rememberedFigures';
import type { Db } from '../../datasources/store';
import { z } from 'zod';
import { conflict, fromZodError, notFound } from '../../errors';
import type { RateSettings } from '../waves/upload/waveConfigInput';
import { entities, requireActive } from './catalog';
import { catalogList, type CatalogService } from './catalogService';
import { C, newId, type CampaignDoc, type CampaignStatus } from './model';
import { assertTextable, campaignSmsInput } from './sms/campaignSms';

const campaignFields = z.object({
  name: z.string().trim().min(1).max(200),
  templateId: z.string().min(1),
  senderId: z.string().min(1),
  audienceIds: z.array(z.string().min(1)).min(1).max(50),
  type: z.enum(['EMAIL', 'MOBILE', 'AD']).default('EMAIL'),
  expiresAt: z.date().nullish(),
  /** MOBILE campaigns: how they text. */
  sms: campaignSmsInput.nullish(),
});

/** Statuses in which a campaign's definition may still change. */
const editable: CampaignStatus[] = ['DRAFT', 'SCHEDULED'];

export async function getCampaign(db: Db, id: string): Promise<CampaignDoc> {
  const campaign = await db.collection<CampaignDoc>(C.campaigns).findOne({ _id: id });
  if (!campaign) throw notFound('Campaign', id);
  return campaign;
}

async function checkReferences(db: Db, fields: Partial<z.infer<typeof campaignFields>>): Promise<void> {
  if (fields.templateId) await requireActive(db, entities.template, fields.templateId, 'templateId');
  if (fields.senderId) await requireActive(db, entities.sender, fields.senderId, 'senderId');
  for (const audienceId of fields.audienceIds ?? [])
    await requireActive(db, entities.audience, audienceId, 'audienceIds');
}

/**
 * A DRAFT campaign. `rates` are the sender caps (WAVE_RATE_*) a MOBILE campaign's rate is held
 * to; without them its rate is checked at launch.
 */
export async function createCampaign(
  db: Db,
  input: unknown,
  now = new Date(),
  rates?: RateSettings,
): Promise<CampaignDoc> {
  const parsed = campaignFields.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, 'input');
  await checkReferences(db, parsed.data);
  const campaign: CampaignDoc = {
    ...parsed.data,
    audienceIds: [...new Set(parsed.data.audienceIds)],
    expiresAt: parsed.data.expiresAt ?? null,
    sms: parsed.data.sms ?? null,
    _id: newId(),
    status: 'DRAFT',
    sendAt: null,
    createdAt: now,
    updatedAt: now,
    archivedAt: null,
  };
  await assertTextable(db, campaign, rates);
  await db.collection<CampaignDoc>(C.campaigns).insertOne(campaign);
  return campaign;
}

/** Changes a campaign that has not started sending (its audience is frozen at send time). */
export async function updateCampaign(
  db: Db,
  id: string,
  input: unknown,
  now = new Date(),
  rates?: RateSettings,
): Promise<CampaignDoc> {
  const parsed = campaignFields.partial().safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, 'input');
  await checkReferences(db, parsed.data);
  const set = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
  if (parsed.data.audienceIds) set.audienceIds = [...new Set(parsed.data.audienceIds)];
  if (parsed.data.type || parsed.data.sms || parsed.data.templateId) {
    await assertTextable(db, { ...(await getCampaign(db, id)), ...set }, rates);
  }
  const updated = await db
    .collection<CampaignDoc>(C.campaigns)
    .findOneAndUpdate(
      { _id: id, status: { $in: editable } },
      { $set: { ...set, updatedAt: now } },
      { returnDocument: 'after' },
    );
  if (updated) return updated;
  const existing = await getCampaign(db, id);
  throw conflict(`Campaign ${id} is ${existing.status}: only DRAFT or SCHEDULED campaigns can be changed`);
}

export async function archiveCampaign(db: Db, id: string, archived = true, now = new Date()): Promise<CampaignDoc> {
  const updated = await db
    .collection<CampaignDoc>(C.campaigns)
    .findOneAndUpdate(
      { _id: id, status: { $nin: ['SENDING', 'SCHEDULED'] } },
      { $set: { archivedAt: archived ? now : null, updatedAt: now } },
      { returnDocument: 'after' },
    );
  if (updated) return updated;
  const existing = await getCampaign(db, id);
  throw conflict(`Campaign ${id} is ${existing.status}: pause or cancel it before archiving`);
}

export interface CampaignNarrowing {
  status?: CampaignStatus | null;
}

/**
 * Campaigns as a catalog kind: newest first, by status when asked; MOBILE rates held to `rates`.
 * With `figures`, a page of the list and a campaign are read once per change to the campaigns.
 */
export function campaignCatalog(
  db: Db,
  rates: RateSettings,
  figures?: RememberedFigures,
): CatalogService<CampaignDoc, CampaignNarrowing> {
  return {
    list: catalogList(
      db,
      {
        collection: C.campaigns,
        sortField: 'createdAt',
        direction: -1,
        narrow: ({ status }) => (status ? { status } : {}),
      },
      figures,
    ),
    get: (id) =>
      figures ? figures.get(`campaign|${id}`, [C.campaigns], () => getCampaign(db, id)) : getCampaign(db, id),
    create: (input) => createCampaign(db, input, new Date(), rates),
    update: (id, input) => updateCampaign(db, id, input, new Date(), rates),
    archive: (id, archived) => archiveCampaign(db, id, archived),
  };
}
