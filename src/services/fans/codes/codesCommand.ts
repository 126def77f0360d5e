import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { badInput } from '../../../errors';
import type { JobRecord, Jobs } from '../../../jobs/jobType';
import { commandFlags } from '../lake/commandFlags';
import type { FanCodes } from './fanCodes';

interface Output {
  write(text: string): unknown;
}

export const CODES_COMMAND = {
  description:
    "Uploads a file of NON_TM codes to a campaign's pool, or assigns codes from a CSV/XLSX file, as a job; " +
    '--wait prints its result',
  usage: 'codes upload --campaign ID --pool NAME --file F [--wait] | codes assign --campaign ID --file F [--wait]',
  fileFlags: ['file'],
};

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** `codes upload` and `codes assign`: the uploadCodes and assignCodes mutations from a shell. */
export async function runCodesCommand(
  deps: { codes: FanCodes; jobs: Pick<Jobs, 'get'> },
  flags: Record<string, string | boolean>,
  positional: string[],
  out: Output,
): Promise<number> {
  const [action, ...extra] = positional;
  if ((action !== 'upload' && action !== 'assign') || extra.length > 0) {
    throw badInput(`codes upload or codes assign (usage: npm run cli -- ${CODES_COMMAND.usage})`, 'command');
  }
  const required = action === 'upload' ? ['campaign', 'pool', 'file'] : ['campaign', 'file'];
  const { values, switches } = commandFlags(flags, { required, switches: ['wait'] });
  const path = values.file!;
  if (!(await stat(path).catch(() => null))?.isFile()) throw badInput(`--file: ${path} is not a file`, 'file');
  const file = { source: createReadStream(path), filename: basename(path) };
  const job =
    action === 'upload'
      ? await deps.codes.upload({ campaignId: values.campaign!, poolName: values.pool!, ...file, requestedBy: 'cli' })
      : await deps.codes.assign({ campaignId: values.campaign!, file, requestedBy: 'cli' });
  if (!switches.has('wait')) {
    out.write(`${job.type} job ${job._id} queued (follow it with: npm run cli -- job --id ${job._id})\n`);
    return 0;
  }
  const finished = await untilFinished(deps.jobs, job);
  out.write(
    `${JSON.stringify({ id: finished._id, status: finished.status, result: finished.result, error: finished.error }, null, 2)}\n`,
  );
  return finished.status === 'SUCCEEDED' ? 0 : 1;
}

async function untilFinished(jobs: Pick<Jobs, 'get'>, job: JobRecord): Promise<JobRecord> {
  let current = job;
  while (!FINISHED.has(current.status)) {
    await sleep(250);
    current = (await jobs.get(job._id)) ?? current;
  }
  return current;
}
