import { JSONObjectResolver } from 'graphql-scalars';
import { DateTime } from '../dateTime';
import { Field, ID, ObjectType } from 'type-graphql';
import type { AudienceDoc, MemberDoc, SenderDoc, TemplateDoc } from '../../services/campaigns/model';
import { placeholdersOf } from '../../services/campaigns/render';
import { Connection } from '../connection';

@ObjectType({ description: 'A colleague who sends campaigns' })
export class Sender {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() email!: string;
  @Field(() => String, { nullable: true }) department?: string | null;
  @Field(() => String, { nullable: true }) contact?: string | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime, { nullable: true }) archivedAt?: Date | null;

  static fromDocument(doc: SenderDoc): Sender {
    const { _id, name, email, department, contact, createdAt, archivedAt } = doc;
    return Object.assign(new Sender(), { id: _id, name, email, department, contact, createdAt, archivedAt });
  }
}

@ObjectType({ description: 'A message template; {{name}}, {{email}} and {{<attribute>}} are filled per recipient' })
export class Template {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field({ description: 'Style family, e.g. minimalist or business' }) type!: string;
  @Field() subject!: string;
  @Field(() => String, { nullable: true }) html?: string | null;
  @Field(() => String, { nullable: true }) text?: string | null;
  @Field(() => String, { nullable: true, description: 'The text MOBILE campaigns send (at most 1,600 characters)' })
  sms?: string | null;
  @Field(() => [String], { description: 'Placeholders the template uses' }) placeholders!: string[];
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
  @Field(() => DateTime, { nullable: true }) archivedAt?: Date | null;

  static fromDocument(doc: TemplateDoc): Template {
    const { _id, name, type, subject, html, text, sms, createdAt, updatedAt, archivedAt } = doc;
    const placeholders = placeholdersOf(subject, html, text, sms);
    return Object.assign(new Template(), {
      id: _id,
      name,
      type,
      subject,
      html,
      text,
      sms: sms ?? null,
      placeholders,
      createdAt,
      updatedAt,
      archivedAt,
    });
  }
}

@ObjectType({ description: 'A named group of members, with its segments and location' })
export class Audience {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => [String], { description: 'Segment tags (young, college, active...)' }) segments!: string[];
  @Field(() => String, { nullable: true, description: 'northeast, cities, country...' }) locationType?: string | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime, { nullable: true }) archivedAt?: Date | null;

  static fromDocument(doc: AudienceDoc): Audience {
    const { _id, name, segments, locationType, createdAt, archivedAt } = doc;
    return Object.assign(new Audience(), {
      id: _id,
      name,
      segments: segments ?? [],
      locationType,
      createdAt,
      archivedAt,
    });
  }
}

@ObjectType({ description: 'A person campaigns are sent to; unique by e-mail (trimmed, lower-cased)' })
export class Member {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) contact?: string | null;
  @Field(() => String, { nullable: true, description: 'E.164: what MOBILE campaigns text' }) phone?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'IANA time zone of the quiet hours (MEMBER_TIME_ZONE when none)',
  })
  timeZone?: string | null;
  @Field(() => DateTime, {
    nullable: true,
    description: 'When the member gave SMS consent; PROMOTIONAL texts go only to members who did',
  })
  smsConsentAt?: Date | null;
  @Field(() => JSONObjectResolver) attributes!: Record<string, string>;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime, { nullable: true }) archivedAt?: Date | null;

  static fromDocument(doc: MemberDoc): Member {
    const { _id, email, name, contact, phone, timeZone, smsConsentAt, attributes, createdAt, archivedAt } = doc;
    return Object.assign(new Member(), {
      id: _id,
      email,
      name,
      contact,
      phone: phone ?? null,
      timeZone: timeZone ?? null,
      smsConsentAt: smsConsentAt ?? null,
      attributes: attributes ?? {},
      createdAt,
      archivedAt,
    });
  }
}

@ObjectType()
export class SenderConnection extends Connection(Sender, 'Sender') {}
@ObjectType()
export class TemplateConnection extends Connection(Template, 'Template') {}
@ObjectType()
export class AudienceConnection extends Connection(Audience, 'Audience') {}
@ObjectType()
export class MemberConnection extends Connection(Member, 'Member') {}
