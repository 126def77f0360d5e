import { Field, ID, InputType } from 'type-graphql';

@InputType({
  description:
    'A fan registration, registered now (docs/pipelines/fans/ingestion.md). Strings are trimmed, the e-mail ' +
    "lower-cased, the phone read in the country of the fan's first market (invalid: stored as null)",
})
export class RegisterFanInput {
  @Field(() => ID) campaignId!: string;
  @Field(() => ID, { description: 'The fan: one entry per fan per campaign; registering again updates it' })
  userId!: string;
  @Field() email!: string;
  @Field(() => String, { nullable: true, description: 'E.164, or national in the first market’s country' })
  phone?: string | null;
  @Field(() => String, { nullable: true }) firstName?: string | null;
  @Field(() => [String], { description: "Market ids of the campaign, in the fan's order of preference (at least one)" })
  marketPreferences!: string[];
  @Field(() => String, {
    nullable: true,
    description: 'Where the fan agreed to receive SMS (registration form, ...); absent: no SMS consent',
  })
  smsConsentSource?: string | null;
}
