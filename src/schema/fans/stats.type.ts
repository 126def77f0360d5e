import { DateTime } from '../dateTime';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { AdminStatsDoc, CountBy } from '../../services/fans/model';

@ObjectType({ description: 'A count under a key (a market id, a UTC day YYYY-MM-DD, a verdict reason)' })
export class AdminStatsCount {
  @Field() key!: string;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class AdminStatsRegistrations {
  @Field(() => Int) total!: number;
  @Field(() => [AdminStatsCount], { description: "By first-preference market ('(none)': no preference)" })
  perMarket!: AdminStatsCount[];
  @Field(() => [AdminStatsCount], { description: 'By UTC day of registration, oldest first; days with none left out' })
  perDay!: AdminStatsCount[];
}

@ObjectType()
export class AdminStatsVerdicts {
  @Field(() => Int, { description: 'Verdict true: given a code' }) selected!: number;
  @Field(() => Int, { description: 'Verdict false' }) dropped!: number;
  @Field(() => [AdminStatsCount], { description: 'Dropped entries by reason, most frequent first' })
  droppedByReason!: AdminStatsCount[];
}

@ObjectType()
export class AdminStatsCodes {
  @Field(() => Int) available!: number;
  @Field(() => Int, { description: 'Held for a wave' }) reserved!: number;
  @Field(() => Int) assigned!: number;
}

@ObjectType({ description: "A snapshot of a fan campaign's figures, taken every 5 minutes while it is OPEN" })
export class AdminStats {
  @Field(() => ID) campaignId!: string;
  @Field(() => DateTime, { description: 'When the snapshot was taken' }) at!: Date;
  @Field(() => AdminStatsRegistrations) registrations!: AdminStatsRegistrations;
  @Field(() => Int, { description: 'Entries with a score' }) scored!: number;
  @Field(() => AdminStatsVerdicts) verdicts!: AdminStatsVerdicts;
  @Field(() => AdminStatsCodes) codes!: AdminStatsCodes;

  static fromDocument(doc: AdminStatsDoc): AdminStats {
    const counts = (list: CountBy[]) =>
      list.map(({ key, count }) => Object.assign(new AdminStatsCount(), { key, count }));
    return Object.assign(new AdminStats(), {
      campaignId: doc.campaignId,
      at: doc.at,
      registrations: Object.assign(new AdminStatsRegistrations(), {
        total: doc.registrations.total,
        perMarket: counts(doc.registrations.perMarket),
        perDay: counts(doc.registrations.perDay),
      }),
      scored: doc.scored,
      verdicts: Object.assign(new AdminStatsVerdicts(), {
        selected: doc.verdicts.selected,
        dropped: doc.verdicts.dropped,
        droppedByReason: counts(doc.verdicts.droppedByReason),
      }),
      codes: Object.assign(new AdminStatsCodes(), {
        available: doc.codes.available,
        reserved: doc.codes.reserved,
        assigned: doc.codes.assigned,
      }),
    });
  }
}
