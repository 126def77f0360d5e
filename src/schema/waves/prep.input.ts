import { Field, Float, ID, InputType } from 'type-graphql';

@InputType({ description: 'A wave prep (seed processSmsWaveFiles): which fans to select and how' })
export class PrepareWaveInput {
  @Field(() => ID) campaignId!: string;
  @Field({ description: 'Names the prep and its zip, prepped.{dateKey}.zip; letters, digits, - and _' })
  dateKey!: string;
  @Field(() => Float, { defaultValue: 0, description: 'Fans scored at least this (0..1)' }) minScore!: number;
  @Field({ defaultValue: true, description: 'Each fan in one market at most' }) singleMarket!: boolean;
  @Field({ defaultValue: true, description: "Down each fan's preferences to a market with room" })
  orderByPreference!: boolean;
  @Field({ defaultValue: false, description: 'Select again fans selected before (they keep their codes)' })
  reassign!: boolean;
}
