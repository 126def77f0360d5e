import { JobCancelledError, type JobContext } from '../../src/jobs/jobType';
import { createLogger } from '../../src/logger';

/** A JobContext for calling a job type's perform() directly in a test; records what it was told. */
export function testJobContext(overrides: Partial<JobContext> = {}) {
  const controller = new AbortController();
  const recorded = { progress: [] as { fraction: number; message?: string }[], stats: {} as Record<string, number> };
  const context: JobContext & { cancel(): void; recorded: typeof recorded } = {
    jobId: 'test-job',
    attempt: 1,
    logger: createLogger({ level: 'silent' }),
    signal: controller.signal,
    async progress(fraction, message) {
      recorded.progress.push({ fraction, message });
      if (controller.signal.aborted) throw new JobCancelledError();
    },
    async setStats(stats) {
      Object.assign(recorded.stats, stats);
    },
    cancel: () => controller.abort(),
    recorded,
    ...overrides,
  };
  return context;
}
