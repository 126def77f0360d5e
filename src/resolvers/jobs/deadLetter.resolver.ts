import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles';
import type { GraphQLContext } from '../../context';
import { QueueError } from '../../datasources/queue';
import { AppError, badInput, notFound } from '../../errors';
import { connectionComplexity } from '../../schema/complexity';
import { DeadLetter, DeadLetters, QueueStats } from '../../schema/jobs/deadLetter.type';

const MAX_DEAD_LETTERS = 100;

/** Queue errors as API errors: an unknown queue is NOT_FOUND, a malformed name BAD_USER_INPUT. */
async function onQueue<T>(queue: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!(error instanceof QueueError)) throw error;
    if (error.code === 'QUEUE_NOT_FOUND') throw notFound('Queue', queue);
    if (error.code === 'QUEUE_INVALID') throw badInput(`queue: ${error.message}`, 'queue');
    throw new AppError('INTERNAL_SERVER_ERROR', `The queue ${queue} could not be read`);
  }
}

@Resolver()
export class DeadLetterResolver {
  @Authorized(Role.OPERATOR)
  @Query(() => DeadLetters, {
    description: 'Messages in the dead-letter queue of `queue` (a job queue such as "jobs", or a pipeline queue)',
    complexity: connectionComplexity,
  })
  deadLetters(
    @Arg('queue') queue: string,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Ctx() { app }: GraphQLContext,
  ): Promise<DeadLetters> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_DEAD_LETTERS) throw badInput(`first: between 1 and ${MAX_DEAD_LETTERS}`, 'first');
    return onQueue(queue, async () => {
      const [stats, messages] = await Promise.all([app.ports.queue.stats(queue), app.ports.queue.deadLetters(queue, { first })]);
      return Object.assign(new DeadLetters(), { queue, stats: QueueStats.from(stats), messages: messages.map(DeadLetter.from) });
    });
  }

  @Authorized(Role.OPERATOR)
  @Mutation(() => Int, {
    description: 'Moves every dead-lettered message of `queue` back to it; a job message runs its FAILED job again. Returns how many moved.',
  })
  async redriveDeadLetters(@Arg('queue') queue: string, @Ctx() { app, principal }: GraphQLContext): Promise<number> {
    const moved = await onQueue(queue, () => app.ports.queue.redriveDeadLetters(queue));
    app.logger.info({ queue, moved, by: principal?.keyId }, 'dead letters redriven');
    return moved;
  }
}
