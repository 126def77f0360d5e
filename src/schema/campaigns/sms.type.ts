import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { CampaignSms as CampaignSmsDoc } from '../../services/campaigns/model';
import type { TextStats } from '../../services/campaigns/sms/textStats';
import { SenderKind, SmsMessageType, WaveStatus } from '../waves/enums';

@InputType({ description: 'How a MOBILE campaign texts (docs/pipelines/campaigns.md#mobile-campaigns)' })
export class CampaignSmsInput {
  @Field({ description: 'Origination identity, Messaging Service SID or From number' }) sender!: string;
  @Field(() => SenderKind, { nullable: true, description: 'LONG_CODE when not given' }) senderKind?: SenderKind | null;
  @Field(() => SmsMessageType, { description: 'PROMOTIONAL texts go only to members with recorded SMS consent' })
  messageType!: SmsMessageType;
  @Field(() => String, { nullable: true, description: "Whose opt-out list applies; the sender's when not given" })
  brand?: string | null;
  @Field(() => Float, {
    nullable: true,
    description: "At most the sender kind's cap (WAVE_RATE_*); the cap when not given",
  })
  segmentsPerSecond?: number | null;
  @Field(() => Int, {
    nullable: true,
    description:
      'A text not sent this long after the send started never is: 60 to 604800 seconds, 86400 when not given',
  })
  validitySeconds?: number | null;
}

@ObjectType({ description: 'How a MOBILE campaign texts' })
export class CampaignSms {
  @Field() sender!: string;
  @Field(() => SenderKind) senderKind!: SenderKind;
  @Field(() => SmsMessageType) messageType!: SmsMessageType;
  @Field() brand!: string;
  @Field(() => Float, { nullable: true, description: "null: the sender kind's cap" }) segmentsPerSecond!: number | null;
  @Field(() => Int) validitySeconds!: number;

  static fromDocument(sms: CampaignSmsDoc): CampaignSms {
    return Object.assign(new CampaignSms(), {
      ...sms,
      senderKind: sms.senderKind as SenderKind,
      messageType: sms.messageType as SmsMessageType,
    });
  }
}

@ObjectType({
  description:
    "A MOBILE campaign's texts: who got none and why when its SMS wave was made, then its wave's counts " +
    '(docs/pipelines/waves-sending.md#counts), kept as texts are sent and receipts come',
})
export class CampaignTextStats {
  @Field(() => ID, { description: 'The SMS wave that sends the texts (wave(id), waveMessages(waveId))' })
  waveId!: string;
  @Field(() => WaveStatus) waveStatus!: WaveStatus;
  @Field(() => Int, { description: 'Members a text was made for' }) texts!: number;
  @Field(() => Int, { description: 'Members of the frozen audience given no text: the reasons that follow' })
  notTexted!: number;
  @Field(() => Int, { description: 'No phone' }) noPhone!: number;
  @Field(() => Int, { description: 'No recorded SMS consent, for a PROMOTIONAL campaign' }) noSmsConsent!: number;
  @Field(() => Int, { description: 'The text over 1,600 characters, or empty, once filled' }) textNotSendable!: number;
  @Field(() => Int, { description: 'Archived after the audience was frozen' }) archived!: number;
  @Field(() => Int, { description: 'Not texted because the number opted out: when the wave was made, or since' })
  optedOut!: number;
  @Field(() => Int, { description: 'Texts the SMS provider accepted' }) sent!: number;
  @Field(() => Int) delivered!: number;
  @Field(() => Int) undelivered!: number;
  @Field(() => Int, { description: 'Texts that failed for good: refused by the provider, or a failed receipt' })
  failed!: number;
  @Field(() => Int, { description: 'Texts not sent within their validity (quiet hours included)' }) expired!: number;
  @Field(() => Int, { description: 'Texts whose send is unknown now, waiting for a receipt, lookup or operator' })
  uncertain!: number;
  @Field(() => Int, { description: 'Texts not sent after all: opted out since, or the campaign cancelled' })
  skipped!: number;
  @Field(() => Int, { description: 'Segments of the texts the provider accepted' }) segments!: number;

  static fromStats(stats: TextStats): CampaignTextStats {
    return Object.assign(new CampaignTextStats(), { ...stats, waveStatus: stats.waveStatus as WaveStatus });
  }
}
