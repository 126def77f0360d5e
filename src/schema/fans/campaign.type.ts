import { DateTime } from '../dateTime';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { FanCampaignDoc, MarketDoc } from '../../services/fans/model';
import { Connection } from '../connection';
import { FanCampaignStatus, ScoringType } from './enums';

@ObjectType({ description: 'Where a fan campaign sells: a city with its own limits; entries name it by id' })
export class Market {
  @Field(() => ID, { description: 'Unique within the campaign' }) id!: string;
  @Field() name!: string;
  @Field() city!: string;
  @Field({ description: 'ISO 3166-1 alpha-2 (phone numbers of the market are read in it)' }) country!: string;
  @Field({ description: 'IANA time zone, e.g. America/New_York' }) timeZone!: string;
  @Field(() => Int, { nullable: true, description: 'Most registrations preferring this market first (null: none)' })
  registrationLimit!: number | null;
  @Field(() => Int, { nullable: true, description: 'Most fans selected in this market (null: no limit)' })
  selectionLimit!: number | null;

  /** The campaign it belongs to, for field resolvers (registration counts); not a GraphQL field. */
  campaignId!: string;

  static fromDocument(doc: MarketDoc, campaignId: string): Market {
    return Object.assign(new Market(), {
      id: doc.id,
      name: doc.name,
      city: doc.city,
      country: doc.country,
      timeZone: doc.timeZone,
      registrationLimit: doc.registrationLimit,
      selectionLimit: doc.selectionLimit,
      campaignId,
    });
  }
}

@ObjectType({ description: "A Verified Fan campaign: an artist's registration with markets, scoring and codes" })
export class FanCampaign {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() artist!: string;
  @Field(() => FanCampaignStatus) status!: FanCampaignStatus;
  @Field(() => ScoringType) scoringType!: ScoringType;
  @Field(() => DateTime, { nullable: true, description: 'Registration window start (null: when opened)' })
  registrationOpensAt!: Date | null;
  @Field(() => DateTime, { nullable: true, description: 'Registration window end (null: until closed)' })
  registrationClosesAt!: Date | null;
  @Field(() => [Market]) markets!: Market[];
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;

  static fromDocument(doc: FanCampaignDoc): FanCampaign {
    return Object.assign(new FanCampaign(), {
      id: doc._id,
      name: doc.name,
      artist: doc.artist,
      status: doc.status as FanCampaignStatus,
      scoringType: doc.scoringType as ScoringType,
      registrationOpensAt: doc.registrationOpensAt,
      registrationClosesAt: doc.registrationClosesAt,
      markets: doc.markets.map((market) => Market.fromDocument(market, doc._id)),
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
    });
  }
}

@ObjectType()
export class FanCampaignConnection extends Connection(FanCampaign, 'FanCampaign') {}
