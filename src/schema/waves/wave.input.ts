import { DateTime } from '../dateTime';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { SenderKind, SmsMessageType, WaveStatus } from './enums';

@InputType({ description: "A wave's settings (docs/pipelines/waves.md#config)" })
export class WaveConfigInput {
  @Field(() => ID, { description: 'The fan campaign the wave is of' }) campaignId!: string;
  @Field(() => String, { nullable: true, description: "Shown in lists; the file's name when absent" })
  name?: string | null;
  @Field(() => DateTime, { description: 'When it starts: ahead, and at most 35 days ahead' })
  notifyDate!: Date;
  @Field({ nullable: true, defaultValue: false, description: 'Give each row an offer code, shown by {{code}}' })
  generateOfferCode?: boolean;
  @Field({ description: 'The text: {{firstName}}, {{code}}, {{link}} or any column; at most 1,600 characters' })
  messageTemplate!: string;
  @Field(() => String, { nullable: true, description: 'Subject of the fallback e-mail (with emailTemplate)' })
  emailSubjectTemplate?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Body of the fallback e-mail: rows without a valid phone get it, as do opted-out numbers and texts that fail for good',
  })
  emailTemplate?: string | null;
  @Field(() => Int, { nullable: true, description: 'Seconds after notifyDate a text may still go (default 14,400)' })
  validitySeconds?: number | null;
  @Field(() => Float, { nullable: true, description: "Above 0 and at most the sender's cap (the default)" })
  segmentsPerSecond?: number | null;
  @Field({ description: 'Origination identity, Messaging Service SID or From number' }) sender!: string;
  @Field(() => SenderKind, { nullable: true, defaultValue: SenderKind.LONG_CODE }) senderKind?: SenderKind;
  @Field(() => SmsMessageType) messageType!: SmsMessageType;
  @Field(() => String, { nullable: true, description: 'Whose opt-outs apply; the sender when absent' })
  brand?: string | null;
}

@InputType({ description: 'Which waves to list' })
export class WaveFilter {
  @Field(() => ID, { nullable: true }) campaignId?: string | null;
  @Field(() => WaveStatus, { nullable: true }) status?: WaveStatus | null;
}
