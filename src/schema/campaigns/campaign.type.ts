import { DateTime } from '../dateTime';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { CampaignDoc, MemberDoc, RecipientDoc } from '../../services/campaigns/model';
import { Connection } from '../connection';
import { CampaignStatus, CampaignType, RecipientStatus } from './enums';
import { CampaignSms } from './sms.type';

@ObjectType({ description: 'A send of one template to the union of some audiences' })
export class Campaign {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => CampaignType) type!: CampaignType;
  @Field(() => CampaignStatus) status!: CampaignStatus;
  @Field(() => ID) templateId!: string;
  @Field(() => ID) senderId!: string;
  @Field(() => [ID]) audienceIds!: string[];
  @Field(() => DateTime, { nullable: true, description: 'When sending starts (or started)' })
  sendAt?: Date | null;
  @Field(() => DateTime, { nullable: true, description: 'No send starts after this time' })
  expiresAt?: Date | null;
  @Field(() => Int, { nullable: true, description: 'Recipients frozen when sending started' }) audienceSize?:
    number | null;
  @Field(() => ID, { nullable: true, description: 'The latest campaign-send job' }) sendJobId?: string | null;
  @Field(() => [String], { description: 'Tracked links (by index), frozen when sending started' }) links!: string[];
  @Field(() => CampaignSms, { nullable: true, description: 'MOBILE campaigns: how they text' })
  sms?: CampaignSms | null;
  @Field(() => ID, {
    nullable: true,
    description: 'MOBILE campaigns: the SMS wave that sends the texts, once launched',
  })
  smsWaveId?: string | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
  @Field(() => DateTime, { nullable: true }) startedAt?: Date | null;
  @Field(() => DateTime, { nullable: true }) finishedAt?: Date | null;
  @Field(() => DateTime, { nullable: true }) archivedAt?: Date | null;

  static fromDocument(doc: CampaignDoc): Campaign {
    return Object.assign(new Campaign(), {
      id: doc._id,
      name: doc.name,
      type: doc.type,
      status: doc.status,
      templateId: doc.templateId,
      senderId: doc.senderId,
      audienceIds: doc.audienceIds,
      sendAt: doc.sendAt,
      expiresAt: doc.expiresAt,
      audienceSize: doc.audienceSize,
      sendJobId: doc.sendJobId,
      links: doc.content?.links ?? [],
      sms: doc.sms ? CampaignSms.fromDocument(doc.sms) : null,
      smsWaveId: doc.smsWaveId ?? null,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      startedAt: doc.startedAt,
      finishedAt: doc.finishedAt,
      archivedAt: doc.archivedAt,
    });
  }
}

@ObjectType({ description: "One member of a campaign's frozen audience and what they did" })
export class CampaignRecipient {
  @Field(() => ID) id!: string;
  @Field(() => ID) campaignId!: string;
  @Field(() => ID) memberId!: string;
  @Field({ description: "The member's e-mail as it is now" }) email!: string;
  @Field(() => String, { nullable: true, description: "The member's name as it is now" }) name?: string | null;
  @Field(() => RecipientStatus) status!: RecipientStatus;
  @Field(() => DateTime, { nullable: true }) sentAt?: Date | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Why it was not sent: NO_PHONE, NO_SMS_CONSENT, OPTED_OUT, EMPTY_TEXT, TEXT_TOO_LONG, ARCHIVED, or the reason of its text (EXPIRED, CANCELLED...)',
  })
  reason?: string | null;
  @Field() opened!: boolean;
  @Field(() => DateTime, { nullable: true }) firstOpenedAt?: Date | null;
  @Field(() => DateTime, { nullable: true }) lastOpenedAt?: Date | null;
  @Field() clicked!: boolean;
  @Field(() => DateTime, { nullable: true }) firstClickedAt?: Date | null;
  @Field(() => DateTime, { nullable: true }) lastClickedAt?: Date | null;
  @Field() converted!: boolean;
  @Field(() => DateTime, { nullable: true }) firstConvertedAt?: Date | null;
  @Field(() => DateTime, { nullable: true }) lastConvertedAt?: Date | null;

  /** The member's current e-mail and name go along (a member is never deleted, only archived). */
  static fromDocument(doc: RecipientDoc, member: Pick<MemberDoc, 'email' | 'name'> | undefined): CampaignRecipient {
    const { _id, ...rest } = doc;
    return Object.assign(new CampaignRecipient(), {
      id: _id,
      ...rest,
      reason: rest.reason ?? null,
      email: member?.email ?? '',
      name: member?.name ?? null,
    });
  }
}

@ObjectType()
export class CampaignConnection extends Connection(Campaign, 'Campaign') {}
@ObjectType()
export class CampaignRecipientConnection extends Connection(CampaignRecipient, 'CampaignRecipient') {}
