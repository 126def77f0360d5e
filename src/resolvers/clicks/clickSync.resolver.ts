import { DateTimeResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { badInput } from '../../errors';
import { Job, toJob } from '../../schema/jobs/job.type';
import { ClickQueues, ClickSyncStatus } from '../../schema/clicks/clickStats.type';
import { clickQueueDepths, clickSyncStatus } from '../../services/clicks/clickQueries';
import { CLICKS_LOAD, clicksLoadParamsOf } from '../../services/clicks/clicksLoad.job';
import { clickPipeline } from '../../services/clicks/pipeline';

@Resolver()
export class ClickSyncResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, { description: "Loads a business unit's unprocessed click rows now; `since` re-reads from that date (final sync)" })
  async syncClicks(
    @Arg('bu', () => String) bu: string,
    @Ctx() ctx: GraphQLContext,
    @Arg('since', () => DateTimeResolver, { nullable: true }) since?: Date | null,
  ): Promise<Job> {
    const unit = await clickPipeline(ctx.app).sfmc.businessUnit(bu);
    if (!unit) throw badInput(`bu: no business unit named ${JSON.stringify(bu)}`, 'bu');
    if (since && since.getTime() > Date.now()) throw badInput('since: not in the future', 'since');
    const job = await ctx.app.jobs.enqueue(
      CLICKS_LOAD,
      clicksLoadParamsOf(unit.name, since?.toISOString()),
      { trigger: 'MANUAL', requestedBy: ctx.principal?.keyId },
    );
    ctx.app.logger.info({ jobId: job._id, bu: unit.name, since, by: ctx.principal?.keyId }, 'click sync requested');
    return toJob(job);
  }

  @Authorized(Role.VIEWER)
  @Query(() => [ClickSyncStatus], { description: "Every business unit's loader watermark, run in progress and source backlog" })
  async clickSyncStatus(@Ctx() ctx: GraphQLContext): Promise<ClickSyncStatus[]> {
    const { db, sfmc } = clickPipeline(ctx.app);
    return (await clickSyncStatus(db, sfmc)).map((view) => Object.assign(new ClickSyncStatus(), view));
  }

  @Authorized(Role.VIEWER)
  @Query(() => ClickQueues, { description: 'Messages waiting in the click pipeline queues' })
  async clickQueues(@Ctx() ctx: GraphQLContext): Promise<ClickQueues> {
    return Object.assign(new ClickQueues(), await clickQueueDepths(ctx.app.ports.queue));
  }
}
