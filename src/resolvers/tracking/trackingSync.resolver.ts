import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { Job, toJob } from '../../schema/jobs/job.type';
import { SyncTrackingInput } from '../../schema/tracking/performance.input';
import { TRACKING_SYNC_JOB, type TrackingSyncParams } from '../../services/tracking/trackingSync.job';

/** Starting a tracking sync: enqueues the job and answers with it at once. */
@Resolver()
export class TrackingSyncResolver {
  @Authorized(Role.OPERATOR)
  @Mutation(() => Job, { description: 'Syncs pixel-tracking aggregates into performance entries, as a job (follow it with jobUpdated)' })
  async syncTracking(@Arg('input', () => SyncTrackingInput) input: SyncTrackingInput, @Ctx() { app, principal }: GraphQLContext): Promise<Job> {
    // Only the fields given: the job's params are stored and shown as the caller wrote them.
    const params = Object.fromEntries(Object.entries({ ...input }).filter(([, value]) => value !== undefined && value !== null)) as TrackingSyncParams;
    const record = await app.jobs.enqueue(TRACKING_SYNC_JOB, params, { trigger: 'MANUAL', requestedBy: principal?.keyId });
    return toJob(record);
  }
}
