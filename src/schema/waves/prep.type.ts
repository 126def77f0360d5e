import { DateTime } from '../dateTime';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { WavePrepDoc } from '../../services/waves/model';
import { Connection } from '../connection';
import { WavePrepStatus } from './enums';

@ObjectType({ description: 'Fans selected in one market by a prep' })
export class WavePrepMarketCount {
  @Field() market!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: "A signed link to a prep's zip, served by this service under /files/" })
export class WavePrepDownload {
  @Field() url!: string;
  @Field(() => DateTime) expiresAt!: Date;
}

@ObjectType({
  description:
    'A wave prep (seed processSmsWaveFiles): fans selected into markets, NON_TM codes reserved, emails.csv, ' +
    'masterCodes.csv and smsSELECTED.csv zipped; createWaveFromPrep makes its wave',
})
export class WavePrep {
  @Field(() => ID, { description: 'Also the id of the wave made from it' }) id!: string;
  @Field(() => ID) campaignId!: string;
  @Field() dateKey!: string;
  @Field(() => WavePrepStatus) status!: WavePrepStatus;
  @Field(() => Float) minScore!: number;
  @Field() singleMarket!: boolean;
  @Field() orderByPreference!: boolean;
  @Field() reassign!: boolean;
  @Field(() => Int) selected!: number;
  @Field(() => [WavePrepMarketCount], { description: 'One per market of the campaign' })
  perMarket!: WavePrepMarketCount[];
  @Field(() => Int, { description: 'NON_TM codes reserved for the fans who had none' }) codesReserved!: number;
  @Field(() => String, { nullable: true, description: 'The zip on the objects port, once PREPPED' })
  objectKey!: string | null;
  @Field(() => ID, { description: 'The wave-prep job' }) jobId!: string;
  @Field(() => DateTime) createdAt!: Date;
  /** The stored prep, for the download link. */
  document!: WavePrepDoc;

  static fromDocument(doc: WavePrepDoc): WavePrep {
    return Object.assign(new WavePrep(), {
      id: doc._id,
      campaignId: doc.campaignId,
      dateKey: doc.dateKey,
      status: doc.status as WavePrepStatus,
      ...doc.params,
      selected: doc.counts.selected,
      perMarket: doc.counts.perMarket.map(({ key, count }) => ({ market: key, count })),
      codesReserved: doc.counts.codesReserved,
      objectKey: doc.objectKey,
      jobId: doc.jobId,
      createdAt: doc.createdAt,
      document: doc,
    });
  }
}

@ObjectType()
export class WavePrepConnection extends Connection(WavePrep, 'WavePrep') {}
