import { Field, Float, InputType } from 'type-graphql';
import { FanVerdict } from './enums';

@InputType({ description: 'Entries matching every condition given' })
export class FanEntryFilter {
  @Field(() => String, { nullable: true, description: "Entries whose first preference is this market's id" })
  market?: string | null;
  @Field(() => FanVerdict, { nullable: true }) verdict?: FanVerdict | null;
  @Field(() => Float, { nullable: true, description: 'Score at least this, in [0, 1]; unscored entries never match' })
  minScore?: number | null;
  @Field(() => Boolean, { nullable: true, description: 'true: given a code; false: without one' })
  hasCode?: boolean | null;
}
