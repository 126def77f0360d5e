import type { Db } from '../../datasources/store';
import { badInput, notFound } from '../../errors';
import { normalizeEmail } from './email';
import { C, recipientId, type CampaignDoc, type CampaignEventDoc, type MemberDoc, type RecipientDoc } from './model';
import { CampaignEventRecorder } from './recordEvents';
import { membersOf } from './recipientMembers';
import { hasPlaceholder, renderLink } from './render';
import { verifyTrackingToken, type TrackingIdentity } from './trackingTokens';

/** How long a campaign's link list is kept in memory: it never changes once sending started. */
const LINKS_TTL_MS = 60_000;
const LINKS_CACHE_SIZE = 1000;

export type TrackingRefusal = 'INVALID_TOKEN' | 'UNKNOWN_CAMPAIGN' | 'LINK_OUT_OF_RANGE';

export type ClickOutcome = { ok: true; url: string } | { ok: false; reason: TrackingRefusal };

export interface ConversionInput {
  token?: string | null;
  campaignId?: string | null;
  email?: string | null;
  value?: number | null;
  /** The caller's id for this conversion: a retry with the same id is stored once. */
  eventId?: string | null;
  occurredAt?: Date | null;
}

/**
 * The public side of campaign tracking: verifies tokens, finds the link at an index of the
 * campaign's frozen link list (never a URL from the request: no open redirect), and records
 * events through the group-committing recorder.
 */
export class CampaignTracking {
  private readonly links = new Map<string, { links: string[]; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly secret: () => Promise<string>,
    readonly recorder: CampaignEventRecorder,
  ) {}

  async identify(token: string): Promise<TrackingIdentity | null> {
    return verifyTrackingToken(await this.secret(), token);
  }

  async open(token: string): Promise<TrackingRefusal | null> {
    const identity = await this.identify(token);
    if (!identity) return 'INVALID_TOKEN';
    if (!(await this.campaignLinks(identity.campaignId))) return 'UNKNOWN_CAMPAIGN';
    await this.recorder.record({ type: 'OPEN', ...identity });
    return null;
  }

  async click(token: string, linkParam: unknown): Promise<ClickOutcome> {
    const identity = await this.identify(token);
    if (!identity) return { ok: false, reason: 'INVALID_TOKEN' };
    const links = await this.campaignLinks(identity.campaignId);
    if (!links) return { ok: false, reason: 'UNKNOWN_CAMPAIGN' };
    const index = typeof linkParam === 'string' && /^\d{1,6}$/.test(linkParam) ? Number(linkParam) : -1;
    if (index < 0 || index >= links.length) return { ok: false, reason: 'LINK_OUT_OF_RANGE' };
    await this.recorder.record({ type: 'CLICK', ...identity, linkIndex: index });
    return { ok: true, url: await this.linkFor(links[index], identity.memberId) };
  }

  /** The link as its recipient follows it: placeholders filled from the member, as the message was. */
  private async linkFor(link: string, memberId: string): Promise<string> {
    if (!hasPlaceholder(link)) return link;
    const [member] = (await membersOf(this.db, [{ memberId }])).values();
    return renderLink(link, { email: member?.email ?? '', name: member?.name, attributes: member?.attributes ?? {} });
  }

  /** Records a conversion for the recipient named by a token, or by campaign id and e-mail. */
  async conversion(input: ConversionInput): Promise<CampaignEventDoc> {
    if (input.value !== undefined && input.value !== null && (!Number.isFinite(input.value) || input.value < 0)) {
      throw badInput('value: a number >= 0', 'value');
    }
    if (input.eventId !== undefined && input.eventId !== null && !/^[A-Za-z0-9_.:-]{1,128}$/.test(input.eventId)) {
      throw badInput('eventId: 1 to 128 letters, digits, _ . : -', 'eventId');
    }
    const identity = await this.conversionRecipient(input);
    return this.recorder.record({
      type: 'CONVERSION',
      ...identity,
      value: input.value ?? null,
      id: input.eventId ? `conversion:${identity.campaignId}:${input.eventId}` : undefined,
      occurredAt: input.occurredAt ?? undefined,
    });
  }

  private async conversionRecipient(input: ConversionInput): Promise<TrackingIdentity> {
    if (input.token) {
      const identity = await this.identify(input.token);
      if (!identity) throw badInput('token: not a valid tracking token', 'token');
      return identity;
    }
    if (!input.campaignId || !input.email) throw badInput('Give a token, or a campaignId and an email', 'token');
    // members are unique by normalized e-mail and a recipient's _id is <campaignId>:<memberId>
    const email = normalizeEmail(input.email);
    const member = await this.db.collection<MemberDoc>(C.members).findOne({ email }, { projection: { _id: 1 } });
    const recipient = member
      ? await this.db
          .collection<RecipientDoc>(C.recipients)
          .findOne({ _id: recipientId(input.campaignId, member._id) }, { projection: { memberId: 1 } })
      : null;
    if (!recipient) throw notFound('Campaign recipient', `${input.campaignId}/${email}`);
    return { campaignId: input.campaignId, memberId: recipient.memberId };
  }

  /** The frozen links of a campaign that has started sending, or null for an unknown campaign. */
  private async campaignLinks(campaignId: string): Promise<string[] | null> {
    const cached = this.links.get(campaignId);
    if (cached && cached.until > Date.now()) return cached.links;
    const campaign = await this.db
      .collection<CampaignDoc>(C.campaigns)
      .findOne({ _id: campaignId }, { projection: { content: 1 } });
    if (!campaign?.content) return null;
    if (this.links.size >= LINKS_CACHE_SIZE) this.links.delete(this.links.keys().next().value!);
    this.links.set(campaignId, { links: campaign.content.links, until: Date.now() + LINKS_TTL_MS });
    return campaign.content.links;
  }
}
