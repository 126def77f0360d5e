import { DateTime } from '../dateTime';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { PrivacyExportDoc } from '../../services/privacy/model';
import type { CollectionFinding, PersonalDataReport } from '../../services/privacy/personalData';

export enum PersonalDataAction {
  DELETE = 'DELETE',
  ANONYMIZE = 'ANONYMIZE',
}
registerEnumType(PersonalDataAction, {
  name: 'PersonalDataAction',
  description: "What erasePerson does to a collection's documents of the person",
  valuesConfig: {
    DELETE: { description: 'Deleted: the document is only about the person' },
    ANONYMIZE: {
      description:
        'Kept for the counts it feeds, with the e-mail, number, name and ids replaced by pseudonyms or removed',
    },
  },
});

@ObjectType({ description: "One store collection's documents of a person" })
export class PersonalDataCollection {
  @Field({ description: 'The store collection' }) collection!: string;
  @Field({ description: 'The domain that owns it: campaigns, fans, waves, leads, clicks, messaging, privacy' })
  domain!: string;
  @Field(() => PersonalDataAction) action!: PersonalDataAction;
  @Field(() => Int) count!: number;
  @Field(() => [String], { description: 'The first ids, in id order (idsPerCollection of them)' }) ids!: string[];
  @Field({ description: 'True when count is more than the ids listed' }) idsTruncated!: boolean;

  static from(found: CollectionFinding): PersonalDataCollection {
    return Object.assign(new PersonalDataCollection(), {
      ...found,
      action: found.action as PersonalDataAction,
      idsTruncated: found.count > found.ids.length,
    });
  }
}

@ObjectType({
  description:
    "Every store document that holds a person's data, by collection. Files and the lake are in the export " +
    '(exportPersonalData), which reads them through',
})
export class PersonalData {
  @Field(() => String, { nullable: true, description: 'The e-mail as looked up (trimmed, lower-case)' })
  email!: string | null;
  @Field(() => String, { nullable: true, description: 'The number as looked up (E.164)' }) phone!: string | null;
  @Field(() => Int) totalDocuments!: number;
  @Field(() => [PersonalDataCollection], { description: 'Only collections holding at least one document' })
  collections!: PersonalDataCollection[];

  static from(report: PersonalDataReport): PersonalData {
    return Object.assign(new PersonalData(), {
      email: report.person.email,
      phone: report.person.phone,
      totalDocuments: report.totalDocuments,
      collections: report.collections.map(PersonalDataCollection.from),
    });
  }
}

@ObjectType({
  description: "A signed link to a personal-data export's JSON file, served by this service under /files/",
})
export class PersonalDataDownload {
  @Field() url!: string;
  @Field(() => DateTime) expiresAt!: Date;
}

@ObjectType({ description: 'A personal-data export (exportPersonalData), kept PRIVACY_EXPORT_KEEP_DAYS days' })
export class PersonalDataExport {
  @Field(() => ID, { description: 'The export-personal-data job' }) id!: string;
  @Field(() => Int, { description: 'Store documents in it' }) documents!: number;
  @Field(() => Int, { description: 'Rows of files (scored files, fanlists, wave preps and uploads, exports)' })
  fileRows!: number;
  @Field(() => Int, { description: 'Records of the Avro lake' }) lakeRecords!: number;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime, { description: 'When the daily sweep deletes it' }) expiresAt!: Date;
  /** The stored export, for the download link. */
  document!: PrivacyExportDoc;

  static from(doc: PrivacyExportDoc): PersonalDataExport {
    return Object.assign(new PersonalDataExport(), {
      id: doc._id,
      documents: doc.documents,
      fileRows: doc.fileRows,
      lakeRecords: doc.lakeRecords,
      createdAt: doc.createdAt,
      expiresAt: doc.expiresAt,
      document: doc,
    });
  }
}
