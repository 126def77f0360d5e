import { z } from 'zod';
import type { JobType } from '../../../jobs/jobType';
import type { WaveLifecycle } from './waveLifecycle';

export const WAVE_START_JOB = 'wave-start';
export const WAVE_SCHEDULER_JOB = 'wave-scheduler';
export const WAVE_TRIGGER_JOB = 'wave-trigger';
/** The sender's job (src/services/waves/send/): one run per start and resume. */
export const WAVE_SEND_JOB = 'wave-send';

/** Tries of a trigger before the wave is marked FAILED with the last error. */
export const TRIGGER_ATTEMPTS = 5;

/**
 * The lifecycle's jobs: `wave-start` (enqueued by scheduleWave for notifyDate: a durable
 * delayed job, kept in the jobs store and dispatched when due, however far ahead), the
 * `wave-scheduler` sweep of the WAVE_SCHEDULER schedule, and `wave-trigger` (codes at trigger,
 * then the wave's `wave-send` run).
 */
export function waveJobTypes(lifecycle: WaveLifecycle): JobType[] {
  const start: JobType<{ waveId: string; notifyDate: Date }> = {
    name: WAVE_START_JOB,
    params: z.object({ waveId: z.string().min(1), notifyDate: z.coerce.date() }),
    perform: ({ waveId, notifyDate }) => lifecycle.startScheduled(waveId, notifyDate),
  };
  const sweep: JobType<unknown> = {
    name: WAVE_SCHEDULER_JOB,
    params: z.unknown(),
    perform: () => lifecycle.sweep(),
  };
  const trigger: JobType<{ waveId: string; run: number }> = {
    name: WAVE_TRIGGER_JOB,
    params: z.object({ waveId: z.string().min(1), run: z.number().int().min(1) }),
    options: { attempts: TRIGGER_ATTEMPTS, backoffMs: 2000 },
    perform: ({ waveId, run }, context) =>
      lifecycle.trigger(waveId, run, { lastAttempt: context.attempt >= TRIGGER_ATTEMPTS }),
  };
  return [start, sweep, trigger] as JobType[];
}
