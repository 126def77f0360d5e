import { JSONObjectResolver } from 'graphql-scalars';
import { Field, InputType } from 'type-graphql';

@InputType()
export class SenderInput {
  @Field() name!: string;
  @Field() email!: string;
  @Field(() => String, { nullable: true }) department?: string | null;
  @Field(() => String, { nullable: true }) contact?: string | null;
}

@InputType({ description: 'Only the fields given change' })
export class SenderUpdateInput {
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true }) email?: string;
  @Field(() => String, { nullable: true }) department?: string | null;
  @Field(() => String, { nullable: true }) contact?: string | null;
}

@InputType()
export class TemplateInput {
  @Field() name!: string;
  @Field() type!: string;
  @Field() subject!: string;
  @Field(() => String, { nullable: true }) html?: string | null;
  @Field(() => String, { nullable: true }) text?: string | null;
  @Field(() => String, { nullable: true, description: 'The text MOBILE campaigns send (at most 1,600 characters)' })
  sms?: string | null;
}

@InputType({ description: 'Only the fields given change' })
export class TemplateUpdateInput {
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true }) type?: string;
  @Field({ nullable: true }) subject?: string;
  @Field(() => String, { nullable: true }) html?: string | null;
  @Field(() => String, { nullable: true }) text?: string | null;
  @Field(() => String, { nullable: true }) sms?: string | null;
}

@InputType()
export class AudienceInput {
  @Field() name!: string;
  @Field(() => [String], { nullable: true }) segments?: string[];
  @Field(() => String, { nullable: true }) locationType?: string | null;
}

@InputType({ description: 'Only the fields given change' })
export class AudienceUpdateInput {
  @Field({ nullable: true }) name?: string;
  @Field(() => [String], { nullable: true }) segments?: string[];
  @Field(() => String, { nullable: true }) locationType?: string | null;
}

@InputType()
export class MemberInput {
  @Field() email!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) contact?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Stored in E.164; without a + prefix it is read in MEMBER_PHONE_COUNTRY',
  })
  phone?: string | null;
  @Field(() => String, { nullable: true, description: 'IANA time zone (America/Chicago)' }) timeZone?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'true records SMS consent as given now; false removes it' })
  smsConsent?: boolean | null;
  @Field(() => JSONObjectResolver, { nullable: true, description: 'String values only' }) attributes?: Record<
    string,
    string
  >;
}

@InputType({ description: 'Only the fields given change' })
export class MemberUpdateInput {
  @Field({ nullable: true }) email?: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) contact?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true }) timeZone?: string | null;
  @Field(() => Boolean, { nullable: true }) smsConsent?: boolean | null;
  @Field(() => JSONObjectResolver, { nullable: true }) attributes?: Record<string, string>;
}
