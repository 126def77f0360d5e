import { SafeIntResolver } from 'graphql-scalars';
import { DateTime } from '../dateTime';
import { ArgsType, Field, ObjectType, registerEnumType } from 'type-graphql';
import type { LakeFileView } from '../../services/fans/lake/lakeFiles';
import { Connection, PageArgs } from '../connection';

export enum LakeFileState {
  LIVE = 'LIVE',
  MERGED = 'MERGED',
  ARCHIVED = 'ARCHIVED',
  SUPERSEDED = 'SUPERSEDED',
}
registerEnumType(LakeFileState, {
  name: 'LakeFileState',
  description:
    'LIVE: a loose file readers of the prefix see; MERGED: a merge of the prefix, also seen; ' +
    'ARCHIVED: an original a merge took in (or an imported file), not read; ' +
    'SUPERSEDED: a merged file a later merge took in, not counted',
  valuesConfig: {
    LIVE: { description: 'avro/{type}/YYYY/MM/DD/<name>.avro, not merged yet' },
    MERGED: { description: 'avro/{type}/{prefix}/merged-<mergeId>.avro' },
    ARCHIVED: { description: 'avro/archived/{type}/...' },
    SUPERSEDED: { description: 'avro/archived/{type}/superseded/...' },
  },
});

export enum LakeMergePeriod {
  DAILY = 'DAILY',
  MONTHLY = 'MONTHLY',
}
registerEnumType(LakeMergePeriod, {
  name: 'LakeMergePeriod',
  description: 'A merge of a UTC day (prefix YYYY/MM/DD) or month (YYYY/MM); alone, the day or month before now',
});

@ObjectType({ description: 'One Avro object container file of the fan data lake' })
export class LakeFile {
  @Field({ description: 'Object key on the objects port (S3 key in production)' })
  key!: string;

  @Field({ description: 'registration, scoring or codeAssignment' })
  recordType!: string;

  @Field(() => LakeFileState)
  state!: LakeFileState;

  @Field(() => SafeIntResolver, { description: 'Bytes' })
  size!: number;

  @Field(() => SafeIntResolver, {
    nullable: true,
    description: 'Records in the file, when a merge or the import counted them; null for files not merged yet',
  })
  records!: number | null;

  @Field(() => DateTime)
  lastModified!: Date;

  @Field(() => String, { nullable: true, description: 'The merge that wrote it (MERGED and SUPERSEDED files)' })
  mergeId!: string | null;

  static fromView(view: LakeFileView): LakeFile {
    return Object.assign(new LakeFile(), { ...view, state: view.state as LakeFileState });
  }
}

@ObjectType()
export class LakeFileConnection extends Connection(LakeFile, 'LakeFile') {}

@ArgsType()
export class LakeFilesArgs extends PageArgs {
  @Field({ description: 'registration, scoring or codeAssignment' })
  recordType!: string;

  @Field(() => String, {
    nullable: true,
    description: 'YYYY, YYYY/MM or YYYY/MM/DD (UTC); none: every file of the record type',
  })
  prefix?: string | null;
}
