import { DateTime } from '../dateTime';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { LeadImportDoc } from '../../services/leads/model';
import { Connection } from '../connection';
import { LeadRejectionReason } from './enums';

@ObjectType({ description: 'An uploaded row that was not queued, and why' })
export class RejectedLeadRow {
  @Field(() => Int)
  rowNumber!: number;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => LeadRejectionReason)
  reason!: LeadRejectionReason;

  @Field()
  message!: string;
}

@ObjectType({ description: 'One uploaded lead list and what became of its rows' })
export class LeadImport {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  listName!: string | null;

  @Field()
  filename!: string;

  @Field()
  uploadedBy!: string;

  @Field(() => DateTime)
  createdAt!: Date;

  @Field(() => Int, { description: 'Data rows read: accepted + rejected + duplicatesOfExisting' })
  total!: number;

  @Field(() => Int, { description: 'Rows queued as new leads' })
  accepted!: number;

  @Field(() => Int, { description: 'Rows refused: invalid email or timestamp, or repeated within the file' })
  rejected!: number;

  @Field(() => Int, { description: 'Valid rows skipped because an open lead has the same email' })
  duplicatesOfExisting!: number;

  @Field(() => [RejectedLeadRow], {
    description: 'Rejected and skipped rows with reasons, by row number (first 1,000)',
  })
  rejectedRows!: RejectedLeadRow[];

  static fromDocument(doc: LeadImportDoc): LeadImport {
    return Object.assign(new LeadImport(), {
      id: doc._id,
      listName: doc.listName,
      filename: doc.filename,
      uploadedBy: doc.uploadedBy,
      createdAt: doc.createdAt,
      total: doc.total,
      accepted: doc.accepted,
      rejected: doc.rejected,
      duplicatesOfExisting: doc.duplicatesOfExisting,
      rejectedRows: doc.rejectedRows.map((row) =>
        Object.assign(new RejectedLeadRow(), row, { reason: row.reason as LeadRejectionReason }),
      ),
    });
  }
}

@ObjectType()
export class LeadImportConnection extends Connection(LeadImport, 'LeadImport') {}
