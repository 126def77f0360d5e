import { z } from 'zod';
import type { JobType, Jobs } from '../../../jobs/jobType';
import { WAVE_SEND_JOB } from '../lifecycle/waveJobs';
import type { WaveSendDeps } from './waveSendDeps';
import { WaveSendRun, type WaveSendOutcome } from './waveSendRun';

/** A run hands over after 30 minutes; the job's own timeout leaves it room to finish its texts. */
const TIMEOUT_MS = 45 * 60_000;

/**
 * `wave-send` ({ waveId }): sends a wave while it is SENDING (WaveSendRun). Enqueued by the
 * lifecycle at the start and at each resume; several may run for one wave at once. A run that
 * must wait long for quiet hours to end, or that ran its 30 minutes, enqueues its successor
 * (once: keyed by its own job id) and ends.
 */
export function waveSendJob(
  deps: WaveSendDeps,
  jobs: Pick<Jobs, 'enqueue'>,
  runs: Set<Promise<unknown>>,
): JobType<{ waveId: string }, WaveSendOutcome> {
  return {
    name: WAVE_SEND_JOB,
    params: z.object({ waveId: z.string().min(1) }),
    options: { attempts: 10, backoffMs: 2000, timeoutMs: TIMEOUT_MS },
    async perform({ waveId }, context) {
      const signal = AbortSignal.any([context.signal, deps.shutdown]);
      const run = new WaveSendRun(deps, waveId, { ...context, signal }).run();
      runs.add(run);
      const outcome = await run.finally(() => runs.delete(run));
      // Stopped with the service (not by its job's own end): the wave goes on in a new job.
      const handedOver = outcome.outcome === 'STOPPED' && deps.shutdown.aborted && !context.signal.aborted;
      if (outcome.outcome === 'CONTINUES' || handedOver) {
        const at = outcome.outcome === 'CONTINUES' ? outcome.at.getTime() : Date.now();
        await jobs.enqueue(
          WAVE_SEND_JOB,
          { waveId },
          {
            idempotencyKey: `${WAVE_SEND_JOB}:${waveId}:after:${context.jobId}`,
            delaySeconds: Math.max(0, Math.ceil((at - Date.now()) / 1000)),
            trigger: 'EVENT',
          },
        );
      }
      return outcome;
    },
  };
}
