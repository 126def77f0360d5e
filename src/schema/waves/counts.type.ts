import { Field, Int, ObjectType } from 'type-graphql';
import type { WaveCounts as WaveCountsDoc } from '../../services/waves/model';

@ObjectType({
  description:
    "A wave's counts (docs/pipelines/waves-sending.md#counts): the seed's ok, sms, email, failed and total, and " +
    'what the sending adds. Kept as messages change, a change counted once however often its receipt comes',
})
export class WaveCounts {
  @Field(() => Int, { description: 'Recipients (messages) of the wave' }) total!: number;
  @Field(() => Int, { description: 'Recipients reached now: text sent or delivered, or the fallback e-mail sent' })
  ok!: number;
  @Field(() => Int, { description: 'Texts the SMS provider accepted' }) sms!: number;
  @Field(() => Int, { description: 'Fallback e-mails sent instead of a text' }) email!: number;
  @Field(() => Int, { description: 'Texts that failed for good: refused by the provider, or a failed receipt' })
  failed!: number;
  @Field(() => Int) delivered!: number;
  @Field(() => Int) undelivered!: number;
  @Field(() => Int, { description: 'Recipients not texted because their number opted out' }) optedOut!: number;
  @Field(() => Int, { description: 'Messages not sent within notifyDate + validity' }) expired!: number;
  @Field(() => Int, { description: 'Messages whose send is unknown now, waiting for a receipt, lookup or operator' })
  uncertain!: number;
  @Field(() => Int, { description: 'Messages not sent: wave cancelled, opted out or no contact, no fallback' })
  skipped!: number;
  @Field(() => Int, { description: 'Segments of the texts the provider accepted' }) segments!: number;

  static fromDocument(counts: WaveCountsDoc): WaveCounts {
    return Object.assign(new WaveCounts(), counts);
  }
}
