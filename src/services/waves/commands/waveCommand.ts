import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { badInput } from '../../../errors';
import type { JobRecord, Jobs } from '../../../jobs/jobType';
import { commandFlags } from '../../fans/lake/commandFlags';
import type { SenderKind, WaveDoc } from '../model';
import type { WaveServices } from '../services';
import type { WaveConfigInput } from '../upload/waveConfigInput';

interface Output {
  write(text: string): unknown;
}

export const WAVE_COMMAND = {
  description:
    'SMS waves from a shell: upload a recipients file, prepare a wave, make a wave from a prep, ' +
    'schedule, send now, pause, resume, cancel or show one',
  usage:
    'wave upload --file F CONFIG [--wait] | wave prep --campaign ID --date-key K [--min-score 0.5] ' +
    '[--single-market true|false] [--order-by-preference true|false] [--reassign] [--details F] [--wait] | ' +
    'wave from-prep --prep ID CONFIG [--wait] | wave schedule ID [--notify ISO] | ' +
    'wave send-now|pause|resume|cancel|show ID; CONFIG: --campaign ID --notify ISO --template T --sender S ' +
    '--type TRANSACTIONAL|PROMOTIONAL [--sender-kind LONG_CODE|TOLL_FREE|SHORT_CODE] [--rate N] [--validity S] ' +
    '[--name N] [--brand B] [--email-subject T --email-template T] [--offer-codes]',
  fileFlags: ['file', 'details'],
};

const CONFIG_REQUIRED = ['campaign', 'notify', 'template', 'sender', 'type'];
const CONFIG_OPTIONAL = ['sender-kind', 'rate', 'validity', 'name', 'brand', 'email-subject', 'email-template'];
const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

type Deps = WaveServices & { jobs: Pick<Jobs, 'get'> };

/** `wave <action>`: the waves' mutations from a shell; exit code 1 when a waited job did not succeed. */
export async function runWaveCommand(
  deps: Deps,
  flags: Record<string, string | boolean>,
  positional: string[],
  out: Output,
): Promise<number> {
  const [action, ...rest] = positional;
  const usage = `(usage: npm run cli -- ${WAVE_COMMAND.usage})`;
  if (action === 'upload' || action === 'from-prep' || action === 'prep') {
    if (rest.length > 0) throw badInput(`wave ${action} takes flags only ${usage}`, 'command');
    return waitOrPrint(deps, await startJob(deps, action, flags), flags.wait === true, out);
  }
  const [id, ...extra] = rest;
  if (!id || extra.length > 0) throw badInput(`wave ${action ?? ''} needs one wave id ${usage}`, 'command');
  const { values } = commandFlags(flags, { optional: action === 'schedule' ? ['notify'] : [] });
  const { lifecycle, queries } = deps;
  let wave: WaveDoc | null;
  if (action === 'schedule') wave = await lifecycle.schedule(id, values.notify ? date(values.notify, 'notify') : null);
  else if (action === 'send-now') wave = await lifecycle.sendNow(id);
  else if (action === 'pause') wave = await lifecycle.pause(id);
  else if (action === 'resume') wave = await lifecycle.resume(id);
  else if (action === 'cancel') wave = await lifecycle.cancel(id);
  else if (action === 'show') wave = await queries.get(id);
  else throw badInput(`unknown action ${action} ${usage}`, 'command');
  if (!wave) throw badInput(`no wave ${id}`, 'id');
  out.write(`${JSON.stringify(waveSummary(wave), null, 2)}\n`);
  return 0;
}

async function startJob(deps: Deps, action: string, flags: Record<string, string | boolean>): Promise<JobRecord> {
  if (action === 'prep') {
    const { values, switches } = commandFlags(flags, {
      required: ['campaign', 'date-key'],
      optional: ['min-score', 'single-market', 'order-by-preference', 'details'],
      switches: ['reassign', 'wait'],
    });
    return deps.preps.prepare({
      campaignId: values.campaign!,
      dateKey: values['date-key']!,
      minScore: values['min-score'] === undefined ? 0 : number(values['min-score'], 'min-score'),
      singleMarket: values['single-market'] !== 'false',
      orderByPreference: values['order-by-preference'] !== 'false',
      reassign: switches.has('reassign'),
      marketDetails: values.details ? await openFile(values.details, 'details') : null,
      requestedBy: 'cli',
    });
  }
  const fileFlag = action === 'upload' ? ['file'] : ['prep'];
  const { values, switches } = commandFlags(flags, {
    required: [...CONFIG_REQUIRED, ...fileFlag],
    optional: CONFIG_OPTIONAL,
    switches: ['offer-codes', 'wait'],
  });
  const config = configOf(values, switches.has('offer-codes'));
  if (action === 'from-prep') return deps.uploads.fromPrep(values.prep!, config, 'cli');
  const file = await openFile(values.file!, 'file');
  return deps.uploads.upload({ ...file, config, requestedBy: 'cli' });
}

function configOf(values: Record<string, string>, generateOfferCode: boolean): WaveConfigInput {
  return {
    campaignId: values.campaign!,
    name: values.name ?? null,
    notifyDate: date(values.notify!, 'notify'),
    generateOfferCode,
    messageTemplate: values.template!,
    emailSubjectTemplate: values['email-subject'] ?? null,
    emailTemplate: values['email-template'] ?? null,
    validitySeconds: values.validity === undefined ? null : number(values.validity, 'validity'),
    segmentsPerSecond: values.rate === undefined ? null : number(values.rate, 'rate'),
    sender: values.sender!,
    senderKind: (values['sender-kind'] ?? 'LONG_CODE') as SenderKind,
    messageType: values.type === 'PROMOTIONAL' ? 'PROMOTIONAL' : oneOf(values.type!),
    brand: values.brand ?? null,
  };
}

function oneOf(type: string): 'TRANSACTIONAL' {
  if (type !== 'TRANSACTIONAL') throw badInput('--type: TRANSACTIONAL or PROMOTIONAL', 'type');
  return type;
}

async function waitOrPrint(deps: Deps, job: JobRecord, wait: boolean, out: Output): Promise<number> {
  const waveId = (job.params as { waveId?: string; prepId?: string }).waveId;
  const prepId = (job.params as { prepId?: string }).prepId;
  const subject = waveId ? ` for wave ${waveId}` : prepId ? ` for prep ${prepId}` : '';
  if (!wait) {
    out.write(`${job.type} job ${job._id} queued${subject} (follow it with: npm run cli -- job --id ${job._id})\n`);
    return 0;
  }
  let current = job;
  while (!FINISHED.has(current.status)) {
    await sleep(250);
    current = (await deps.jobs.get(job._id)) ?? current;
  }
  const { _id, status, result, error } = current;
  out.write(`${JSON.stringify({ id: _id, status, result, error }, null, 2)}\n`);
  return status === 'SUCCEEDED' ? 0 : 1;
}

const waveSummary = (wave: WaveDoc) => ({
  id: wave._id,
  name: wave.name,
  status: wave.status,
  statusReason: wave.statusReason,
  notifyDate: wave.config.notifyDate,
  counts: wave.counts,
  totalSegments: wave.totalSegments,
  rejectCount: wave.rejectCount,
  expectedFinishAt: wave.expectedFinishAt,
});

async function openFile(path: string, flag: string) {
  if (!(await stat(path).catch(() => null))?.isFile()) throw badInput(`--${flag}: ${path} is not a file`, flag);
  return { source: createReadStream(path), filename: basename(path) };
}

function date(text: string, flag: string): Date {
  const value = new Date(text);
  if (!Number.isFinite(value.getTime())) throw badInput(`--${flag}: an ISO date and time`, flag);
  return value;
}

function number(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value)) throw badInput(`--${flag}: a number`, flag);
  return value;
}
