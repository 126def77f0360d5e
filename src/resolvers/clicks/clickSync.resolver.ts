import { DateTime } from '../../schema/dateTime';
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { Job, toJob } from '../../schema/jobs/job.type';
import { ClickQueues, ClickSyncStatus } from '../../schema/clicks/clickStats.type';
import type { ClickServices } from '../../services/clicks/clickServices';

@Resolver()
export class ClickSyncResolver {
  constructor(private readonly clicks: ClickServices) {}

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, {
    description: "Loads a business unit's unprocessed click rows now; `since` re-reads from that date (final sync)",
  })
  async syncClicks(
    @Arg('bu', () => String) bu: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('since', () => DateTime, { nullable: true }) since?: Date | null,
  ): Promise<Job> {
    return toJob(await this.clicks.requestSync(bu, since, ctx.principal?.keyId));
  }

  @Authorized(Role.VIEWER)
  @Query(() => [ClickSyncStatus], {
    description: "Every business unit's loader watermark, run in progress and source backlog",
  })
  async clickSyncStatus(): Promise<ClickSyncStatus[]> {
    return (await this.clicks.queries.syncStatus()).map((view) => Object.assign(new ClickSyncStatus(), view));
  }

  @Authorized(Role.VIEWER)
  @Query(() => ClickQueues, { description: 'Messages waiting in the click pipeline queues' })
  async clickQueues(): Promise<ClickQueues> {
    return Object.assign(new ClickQueues(), await this.clicks.queries.queueDepths());
  }
}
