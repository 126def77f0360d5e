import { DateTime } from '../dateTime';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import type { FanEntryDoc, SmsConsent as StoredSmsConsent } from '../../services/fans/model';
import { Connection } from '../connection';
import { CodeKind } from './enums';

@ObjectType({ description: 'Where and when a fan agreed to receive SMS' })
export class SmsConsent {
  @Field({ description: 'Registration form, import, ...' }) source!: string;
  @Field(() => DateTime) at!: Date;

  static fromStored(consent: StoredSmsConsent): SmsConsent {
    return Object.assign(new SmsConsent(), { source: consent.source, at: consent.at });
  }
}

@ObjectType({
  description:
    "One fan's registration for one campaign. email and phone are personal data: OPERATOR keys read them whole, " +
    'VIEWER keys read them masked (j***@example.com, +1******4567)',
})
export class FanEntry {
  @Field(() => ID, { description: 'campaignId:userId' }) id!: string;
  @Field(() => ID) campaignId!: string;
  @Field(() => ID) userId!: string;
  @Field({ description: 'Lower-case; masked for viewers' }) email!: string;
  @Field(() => String, { nullable: true, description: 'E.164; masked for viewers' }) phone!: string | null;
  @Field(() => String, { nullable: true }) firstName!: string | null;
  @Field(() => [String], { description: 'Market ids in the order the fan prefers them' })
  marketPreferences!: string[];
  @Field(() => String, { nullable: true, description: 'The first preference: what market limits count' })
  market!: string | null;
  @Field(() => SmsConsent, { nullable: true }) smsConsent!: SmsConsent | null;
  @Field(() => DateTime) registeredAt!: Date;
  @Field(() => Float, { nullable: true, description: 'In [0, 1]; null until scored' }) score!: number | null;
  @Field(() => Boolean, { nullable: true, description: 'true: selected; false: dropped; null: not decided' })
  verdict!: boolean | null;
  @Field(() => String, { nullable: true, description: 'Why the verdict is false (blacklisted, invalid phone, ...)' })
  verdictReason!: string | null;
  @Field(() => String, { nullable: true }) code!: string | null;
  @Field(() => CodeKind, { nullable: true }) codeKind!: CodeKind | null;
  @Field(() => [String]) selectedEvents!: string[];
  @Field(() => DateTime) updatedAt!: Date;

  /** Every stored field, contact details whole: the entry resolver masks email and phone for viewers. */
  static fromDocument(doc: FanEntryDoc): FanEntry {
    return Object.assign(new FanEntry(), {
      id: doc._id,
      campaignId: doc.campaignId,
      userId: doc.userId,
      email: doc.email,
      phone: doc.phone,
      firstName: doc.firstName,
      marketPreferences: doc.marketPreferences,
      market: doc.market,
      smsConsent: doc.smsConsent ? SmsConsent.fromStored(doc.smsConsent) : null,
      registeredAt: doc.registeredAt,
      score: doc.score,
      verdict: doc.verdict,
      verdictReason: doc.verdictReason,
      code: doc.code,
      codeKind: doc.codeKind as CodeKind | null,
      selectedEvents: doc.selectedEvents,
      updatedAt: doc.updatedAt,
    });
  }
}

@ObjectType()
export class FanEntryConnection extends Connection(FanEntry, 'FanEntry') {}
