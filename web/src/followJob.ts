import { label } from './format';
import { JobStatusDocument } from './generated/graphql';
import { attempt, type PageContext, type StatusLine } from './page';

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const CHECK_EVERY_MS = 1500;

/**
 * Tells in `status` how a job started from the page goes, checking it every 1.5 s (a job that
 * finishes before a subscription is in place would never be reported by one), and calls
 * `onFinished` once it has finished, whichever way.
 */
export async function followJob(
  context: Pick<PageContext, 'api' | 'signal'>,
  job: { id: string; status: string },
  status: StatusLine,
  onFinished: (jobStatus: string) => Promise<void>,
): Promise<void> {
  const { api, signal } = context;
  status.show(`Job ${job.id}: ${label(job.status)}.`);
  await attempt(
    async () => {
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS));
        if (signal.aborted) return;
        const { job: now } = await api.request(JobStatusDocument, { id: job.id }, signal);
        if (!now) return;
        const progress = now.progress.message ? ` ${now.progress.message}` : '';
        const error = now.error ? ` ${now.error.message}` : '';
        status.show(`Job ${now.id}: ${label(now.status)}.${progress}${error}`, now.status === 'FAILED');
        if (FINISHED.has(now.status)) {
          await onFinished(now.status);
          return;
        }
      }
    },
    status,
    signal,
  );
}
