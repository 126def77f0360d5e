import { JSONResolver } from 'graphql-scalars';
import { DateTime } from '../dateTime';
import { Field, ObjectType } from 'type-graphql';
import type { ScheduleView } from '../../jobs';

@ObjectType({ description: 'A cron schedule: each tick enqueues one Job, whatever the number of instances' })
export class Schedule {
  @Field({ description: 'UPPER_SNAKE name; the env var CRON_<name> overrides its expression ("off" disables it)' })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field()
  jobType!: string;

  @Field(() => JSONResolver, { nullable: true })
  params?: unknown;

  @Field(() => String, { nullable: true, description: 'The expression in force (UTC); null when disabled' })
  cron!: string | null;

  @Field({ description: 'The default expression, before CRON_<name>' })
  defaultCron!: string;

  @Field()
  enabled!: boolean;

  @Field({ description: 'False when no feature of this service registers the job type: the schedule never fires' })
  registered!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the schedule does not fire, when it does not' })
  note?: string;

  @Field(() => DateTime, { nullable: true })
  nextRunAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'The latest tick that enqueued its Job' })
  lastTickAt!: Date | null;

  static fromView(view: ScheduleView): Schedule {
    let note: string | undefined;
    if (!view.enabled && view.optIn) note = `Off until CRON_${view.name} is set (on, or a cron expression)`;
    else if (!view.enabled) note = `Disabled by CRON_${view.name}=off`;
    else if (!view.registered) note = `Not fired: no job type ${view.jobType} is registered in this service`;
    return Object.assign(new Schedule(), { ...view, note });
  }
}
