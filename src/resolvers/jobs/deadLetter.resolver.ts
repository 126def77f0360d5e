import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { connectionComplexity } from '../../schema/complexity';
import { DeadLetter, DeadLetters, QueueStats } from '../../schema/jobs/deadLetter.type';
import type { JobsServices } from '../../services/jobs/jobsServices';

@Resolver()
export class DeadLetterResolver {
  constructor(private readonly services: JobsServices) {}

  @Authorized(Role.OPERATOR)
  @Query(() => DeadLetters, {
    description: 'Messages in the dead-letter queue of `queue` (a job queue such as "jobs", or a pipeline queue)',
    complexity: connectionComplexity,
  })
  async deadLetters(
    @Arg('queue') queue: string,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
  ): Promise<DeadLetters> {
    const { stats, messages } = await this.services.deadLetters.read(queue, first);
    return Object.assign(new DeadLetters(), {
      queue,
      stats: QueueStats.from(stats),
      messages: messages.map(DeadLetter.from),
    });
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Int, {
    description:
      'Moves every dead-lettered message of `queue` back to it; a job message runs its FAILED job again. ' +
      'Returns how many moved.',
  })
  async redriveDeadLetters(@Arg('queue') queue: string, @Ctx() { principal }: GraphQLContext): Promise<number> {
    const moved = await this.services.deadLetters.redrive(queue);
    this.services.logger.info({ queue, moved, by: principal?.keyId }, 'dead letters redriven');
    return moved;
  }
}
