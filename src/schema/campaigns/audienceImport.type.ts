import { DateTime } from '../dateTime';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { AudienceImportDoc } from '../../services/campaigns/model';
import { ImportMode, ImportStatus } from './enums';

@ObjectType()
export class ImportRejectedRow {
  @Field(() => Int) rowNumber!: number;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field() reason!: string;
}

@ObjectType()
export class AudienceImportCounts {
  @Field(() => Int) rows!: number;
  @Field(() => Int) accepted!: number;
  @Field(() => Int) rejected!: number;
  @Field(() => Int) duplicatesInFile!: number;
  @Field(() => Int, { description: 'New members' }) created!: number;
  @Field(() => Int, { description: 'Existing members whose fields were overwritten' }) updated!: number;
  @Field(() => Int, { description: 'Rows whose e-mail was already a member' }) existingMembers!: number;
  @Field(() => Int) addedToAudience!: number;
  @Field(() => Int, { description: 'REPLACE: members dropped from the audience' }) removedFromAudience!: number;
}

@ObjectType({ description: 'One import of members into an audience' })
export class AudienceImport {
  @Field(() => ID) id!: string;
  @Field(() => ID) audienceId!: string;
  @Field() filename!: string;
  @Field(() => ImportMode) mode!: ImportMode;
  @Field() overwrite!: boolean;
  @Field(() => ImportStatus) status!: ImportStatus;
  @Field(() => AudienceImportCounts) counts!: AudienceImportCounts;
  @Field(() => [ImportRejectedRow], { description: 'The first 1,000 rejected rows' }) rejects!: ImportRejectedRow[];
  @Field(() => String, { nullable: true }) error?: string | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime, { nullable: true }) finishedAt?: Date | null;

  static fromDocument(doc: AudienceImportDoc): AudienceImport {
    const { _id, ...rest } = doc;
    return Object.assign(new AudienceImport(), { id: _id, ...rest });
  }
}
