import { DateTime } from '../dateTime';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { CodePoolView } from '../../services/fans/codes/fanCodes';
import { Connection } from '../connection';
import { CodeKind } from './enums';

@ObjectType({
  description:
    "A campaign's pool of codes: uploaded NON_TM codes (uploadCodes) or a wave's OFFER codes, with how many are " +
    'in each state (AVAILABLE -> RESERVED for a wave -> ASSIGNED to one fan)',
})
export class CodePool {
  @Field(() => ID, { description: 'campaignId:name' }) id!: string;
  @Field(() => ID) campaignId!: string;
  @Field({ description: 'Unique within the campaign; uploads to the same name add to the pool' }) name!: string;
  @Field(() => CodeKind) kind!: CodeKind;
  @Field(() => DateTime) createdAt!: Date;
  @Field({ description: 'The API key (id) of the first upload' }) createdBy!: string;
  @Field(() => Int) available!: number;
  @Field(() => Int, { description: 'Held for a wave' }) reserved!: number;
  @Field(() => Int, { description: 'Given to a fan' }) assigned!: number;

  static fromView(view: CodePoolView): CodePool {
    return Object.assign(new CodePool(), {
      id: view._id,
      campaignId: view.campaignId,
      name: view.name,
      kind: view.kind as CodeKind,
      createdAt: view.createdAt,
      createdBy: view.createdBy,
      available: view.available,
      reserved: view.reserved,
      assigned: view.assigned,
    });
  }
}

@ObjectType()
export class CodePoolConnection extends Connection(CodePool, 'CodePool') {}
