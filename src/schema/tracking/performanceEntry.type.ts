import { SafeIntResolver } from 'graphql-scalars';
import { DateTime } from '../dateTime';
import type { Document } from '../../datasources/store';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../connection';

@ObjectType({ description: 'Delivery figures of one placement on one day' })
export class PerformanceMetrics {
  @Field(() => SafeIntResolver) impressions!: number;
  @Field(() => SafeIntResolver) clicks!: number;
  @Field(() => SafeIntResolver, { description: 'Impressions counted viewable by the pixel' })
  viewableImpressions!: number;
  @Field(() => Float, { description: 'clicks / impressions * 100, 2 decimals' }) ctr!: number;
  @Field(() => Float, { description: 'viewable / impressions * 100, 2 decimals' }) viewability!: number;
  @Field(() => SafeIntResolver, { description: 'Unique IPs (summed when several creatives share a placement)' })
  reach!: number;
}

/**
 * A performance_entries document as clients see it. The order, campaign and publication
 * fields are resolved by the resolver through DataLoaders.
 */
@ObjectType({
  description: 'Performance of one order placement on one day (automated from pixel tracking, or entered)',
})
export class PerformanceEntry {
  @Field(() => ID) id!: string;
  @Field(() => ID) orderId!: string;
  @Field(() => ID) campaignId!: string;
  @Field(() => Int) publicationId!: number;
  @Field(() => String, { nullable: true }) publicationName?: string | null;
  @Field() itemPath!: string;
  @Field(() => String, { nullable: true }) itemName?: string | null;
  @Field(() => String, { nullable: true }) channel?: string | null;
  @Field(() => String, { nullable: true, description: 'Ad sizes, e.g. 300x250' }) dimensions?: string | null;
  @Field(() => DateTime) dateStart!: Date;
  @Field(() => DateTime) dateEnd!: Date;
  @Field(() => PerformanceMetrics) metrics!: PerformanceMetrics;
  @Field({ description: '"automated" for tracking sync, otherwise how it was entered' }) source!: string;
  @Field(() => String, { nullable: true }) enteredBy?: string | null;
  @Field(() => DateTime, { nullable: true }) createdAt?: Date | null;
  @Field(() => DateTime, { nullable: true }) updatedAt?: Date | null;

  static fromDocument(doc: Document): PerformanceEntry {
    const metrics = doc.metrics ?? {};
    const impressions = Number(metrics.impressions ?? 0);
    return Object.assign(new PerformanceEntry(), {
      id: String(doc._id),
      orderId: String(doc.orderId),
      campaignId: String(doc.campaignId ?? ''),
      publicationId: Number(doc.publicationId),
      publicationName: doc.publicationName ?? null,
      itemPath: String(doc.itemPath),
      itemName: doc.itemName ?? null,
      channel: doc.channel ?? null,
      dimensions: doc.dimensions ?? null,
      dateStart: doc.dateStart,
      dateEnd: doc.dateEnd,
      metrics: Object.assign(new PerformanceMetrics(), {
        impressions,
        clicks: Number(metrics.clicks ?? 0),
        viewableImpressions: Number(metrics.viewableImpressions ?? 0),
        ctr: Number(metrics.ctr ?? 0),
        viewability: Number(metrics.viewability ?? 0),
        reach: Number(metrics.reach ?? 0),
      }),
      source: String(doc.source ?? 'automated'),
      enteredBy: doc.enteredBy ?? null,
      createdAt: doc.createdAt ?? null,
      updatedAt: doc.updatedAt ?? null,
    });
  }
}

@ObjectType()
export class PerformanceEntryConnection extends Connection(PerformanceEntry, 'PerformanceEntry') {}
