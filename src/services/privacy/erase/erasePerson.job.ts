import { z } from 'zod';
import { PermanentJobError, type JobType } from '../../../jobs/jobType';
import { PrivacySecretMissing } from '../../suppression/privacySecret';
import type { PrivacyRequests } from '../requests';
import { subjectHashes, type PrivacyDeps } from '../subject';
import { eraseEverywhere, type ErasureChanges } from './eraseEverywhere';
import type { ErasureLog } from './erasureLog';

export const ERASE_PERSON_JOB = 'erase-person';

/** Erasures and exports run on a queue of their own: a pass over a large lake takes a while. */
export const PRIVACY_QUEUE = 'privacy';

/** The job's result: what changed, without the suppression hashes (kept by the erasure's record). */
export interface ErasureResult extends Omit<ErasureChanges, 'suppressions'> {
  erasureId: string;
}

const params = z.object({ requestId: z.string().min(1) });

/**
 * `erase-person`: the request's person erased everywhere (eraseEverywhere), recorded in `erasures`
 * and the ledger by hash, then the request (the only place their e-mail and number were kept for
 * the job) dropped. Retried while a lake merge is open; each run does again only what is left.
 */
export function erasePersonJob(
  deps: PrivacyDeps,
  requests: PrivacyRequests,
  log: ErasureLog,
): JobType<z.infer<typeof params>, ErasureResult> {
  return {
    name: ERASE_PERSON_JOB,
    params,
    options: { queue: PRIVACY_QUEUE, attempts: 20, backoffMs: 30_000, timeoutMs: 6 * 3_600_000 },
    async perform({ requestId }, context) {
      const request = await requests.get(requestId);
      if (!request) throw new PermanentJobError(`Erasure request ${requestId} is gone (done, or expired)`, 'NOT_FOUND');
      const person = { email: request.email, phone: request.phone };
      const secret = await deps.secret().catch((error: unknown) => {
        if (error instanceof PrivacySecretMissing) throw new PermanentJobError(error.message, 'CONFIG');
        throw error;
      });
      const erasure = await log.started(context.jobId, subjectHashes(secret, person), request.requestedBy, new Date());
      const changes = await eraseEverywhere(deps, person, context.jobId, (fraction, message) =>
        context.progress(fraction, message),
      );
      await log.finished(erasure, changes.changed, changes.suppressions, new Date());
      await requests.drop(requestId);
      await context.setStats({ changed: changes.changed, suppressionsAdded: changes.suppressionsAdded });
      context.logger.info({ erasureId: context.jobId, changed: changes.changed }, 'person erased');
      const { suppressions: _hashes, ...result } = changes;
      return { erasureId: context.jobId, ...result };
    },
  };
}
