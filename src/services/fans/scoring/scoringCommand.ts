import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { badInput } from '../../../errors';
import type { JobRecord, Jobs } from '../../../jobs/jobType';
import { commandFlags } from '../lake/commandFlags';
import type { FanScoring } from './fanScoring';

interface Output {
  write(text: string): unknown;
}

export const SCORING_COMMAND = {
  description:
    'Uploads a scored file (tab-separated) or a fanlist of ranks (CSV) as a job, as uploadScoredFile and ' +
    'uploadFanlistRanks do; --wait prints its result',
  usage: 'scoring scored-file --file F [--campaign ID] [--wait] | scoring fanlist --campaign ID --file F [--wait]',
  fileFlags: ['file'],
};

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** `scoring scored-file` and `scoring fanlist`; returns the exit code. */
export async function runScoringCommand(
  deps: { scoring: FanScoring; jobs: Pick<Jobs, 'get'> },
  flags: Record<string, string | boolean>,
  positional: string[],
  out: Output,
): Promise<number> {
  const [action, ...extra] = positional;
  if ((action !== 'scored-file' && action !== 'fanlist') || extra.length > 0) {
    throw badInput(
      `scoring scored-file or scoring fanlist (usage: npm run cli -- ${SCORING_COMMAND.usage})`,
      'command',
    );
  }
  const { values, switches } = commandFlags(flags, {
    required: action === 'fanlist' ? ['campaign', 'file'] : ['file'],
    optional: action === 'fanlist' ? [] : ['campaign'],
    switches: ['wait'],
  });
  const path = values.file!;
  if (!(await stat(path).catch(() => null))?.isFile()) throw badInput(`--file: ${path} is not a file`, 'file');
  const upload = { source: createReadStream(path), filename: basename(path), requestedBy: 'cli' };
  const job =
    action === 'fanlist'
      ? await deps.scoring.fanlist.upload({ ...upload, campaignId: values.campaign! })
      : await deps.scoring.scoredFiles.upload({ ...upload, campaignId: values.campaign ?? null });
  if (!switches.has('wait')) {
    out.write(`${job.type} job ${job._id} queued (follow it with: npm run cli -- job --id ${job._id})\n`);
    return 0;
  }
  const finished = await untilFinished(deps.jobs, job);
  const { _id: id, status, result, error } = finished;
  out.write(`${JSON.stringify({ id, status, result, error }, null, 2)}\n`);
  return status === 'SUCCEEDED' ? 0 : 1;
}

async function untilFinished(jobs: Pick<Jobs, 'get'>, job: JobRecord): Promise<JobRecord> {
  let current = job;
  while (!FINISHED.has(current.status)) {
    await sleep(250);
    current = (await jobs.get(job._id)) ?? current;
  }
  return current;
}
