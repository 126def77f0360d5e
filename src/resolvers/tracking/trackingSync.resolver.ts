import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { Job, toJob } from '../../schema/jobs/job.type';
import { SyncTrackingInput } from '../../schema/tracking/performance.input';
import { enqueueTrackingSync } from '../../services/tracking/trackingSync.job';
import type { TrackingServices } from '../../services/tracking/trackingServices';

/** Starting a tracking sync: enqueues the job and answers with it at once. */
@Resolver()
export class TrackingSyncResolver {
  constructor(private readonly services: TrackingServices) {}

  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, {
    description: 'Syncs pixel-tracking aggregates into performance entries, as a job (follow it with jobUpdated)',
  })
  async syncTracking(
    @Arg('input', () => SyncTrackingInput) input: SyncTrackingInput,
    @Ctx() { principal }: GraphQLContext,
  ): Promise<Job> {
    return toJob(await enqueueTrackingSync(this.services.jobs, input, principal?.keyId));
  }
}
