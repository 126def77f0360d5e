import { ArgsType, Extensions, Field, Int } from 'type-graphql';
import { PERSONAL_DATA } from '../../services/audit/auditArguments';

@ArgsType()
export class PersonArgs {
  @Extensions(PERSONAL_DATA)
  @Field(() => String, { nullable: true, description: 'The e-mail address (any case; trimmed)' })
  email?: string | null;

  @Extensions(PERSONAL_DATA)
  @Field(() => String, {
    nullable: true,
    description: 'The phone number in international format (+1 212 555 0199), normalized to E.164',
  })
  phone?: string | null;
}

@ArgsType()
export class PersonalDataArgs extends PersonArgs {
  @Field(() => Int, { nullable: true, description: 'Ids listed per collection, 0 to 1000 (default 20)' })
  idsPerCollection?: number | null;
}
