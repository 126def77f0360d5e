import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FAN_ENTRIES } from '../../src/services/fans/model';
import type { CodeAssignmentRecord } from '../../src/services/fans/records';
import { finishedJob, upload } from '../support/client';
import { CAMPAIGN_ID, isBlacklisted, userIdOf } from './fanData';
import type { BenchService } from './service';

export interface AssignFigures {
  accepted: number;
  rejected: number;
  seconds: number;
  /** CPU time of the process (every thread) while the assignments ran. */
  cpuSeconds: number;
  /** Codes on more than one entry of the campaign, counted in the store. */
  duplicateCodes: number;
  /** Entries of the campaign holding a code afterwards. */
  entriesWithCode: number;
}

/** Records one worker hands the handler at a time, as a queue consumer receives them. */
const DELIVERY = 500;

/** A pool of `count` NON_TM codes, uploaded as an operator uploads it (one code a line). */
async function uploadCodes(service: BenchService, count: number): Promise<void> {
  const path = join(service.dataDir, 'bench-codes.txt');
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) {
    if (!out.write(`BENCH-${String(i).padStart(8, '0')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  try {
    const { uploadCodes } = await upload<{ uploadCodes: { id: string } }>(
      service,
      `mutation ($file: Upload!, $campaignId: ID!) { uploadCodes(file: $file, campaignId: $campaignId, poolName: "bench") { id } }`,
      { campaignId: CAMPAIGN_ID },
      path,
    );
    await finishedJob(service, uploadCodes.id, 250);
  } finally {
    await rm(path, { force: true });
  }
}

/** `count` assignments of a pool code, to fans the scrub kept (no blacklisted one), in fan order. */
function assignmentRecords(count: number): CodeAssignmentRecord[] {
  const records: CodeAssignmentRecord[] = [];
  const assignedAt = Date.now();
  for (let i = 0; records.length < count; i++) {
    if (isBlacklisted(i)) continue;
    records.push({
      type: 'codeAssignment',
      campaignId: CAMPAIGN_ID,
      userId: userIdOf(i),
      email: null,
      code: null,
      codeKind: 'NON_TM',
      selectedEvents: [`event-${i % 3}`],
      refresh: false,
      waveId: null,
      idempotencyKey: `bench:${i}`,
      assignedAt,
    });
  }
  return records;
}

async function duplicateCodes(service: BenchService): Promise<{ duplicates: number; withCode: number }> {
  const entries = service.app.db.collection(FAN_ENTRIES);
  const [row] = await entries
    .aggregate<{ duplicates: number }>([
      { $match: { campaignId: CAMPAIGN_ID, code: { $ne: null } } },
      { $group: { _id: '$code', entries: { $sum: 1 } } },
      { $match: { entries: { $gt: 1 } } },
      { $count: 'duplicates' },
    ])
    .toArray();
  const withCode = await entries.countDocuments({ campaignId: CAMPAIGN_ID, code: { $ne: null } });
  return { duplicates: row?.duplicates ?? 0, withCode };
}

/**
 * `count` code assignments by `workers` concurrent loops in the service process, each over its
 * own slice of the records, through the codeAssignment handler (services.assignment.handle), the
 * pool's codes uploaded first. Then codes on more than one entry are counted in the store.
 */
export async function assignCodes(service: BenchService, count: number, workers: number): Promise<AssignFigures> {
  const { assignment } = service.fans;
  await uploadCodes(service, count);
  const records = assignmentRecords(count);
  const slice = Math.ceil(records.length / workers);
  const reasons = new Map<string, number>();
  let accepted = 0;
  let rejected = 0;
  const worker = async (own: CodeAssignmentRecord[]) => {
    for (let from = 0; from < own.length; from += DELIVERY) {
      for (const outcome of await assignment.handle(own.slice(from, from + DELIVERY))) {
        if (outcome.accepted) accepted += 1;
        else {
          rejected += 1;
          reasons.set(outcome.reason ?? '', (reasons.get(outcome.reason ?? '') ?? 0) + 1);
        }
      }
    }
  };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(records.slice(w * slice, (w + 1) * slice))));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  if (reasons.size > 0) {
    console.log(`  assignments rejected: ${JSON.stringify(Object.fromEntries(reasons)).slice(0, 500)}`);
  }
  const { duplicates, withCode } = await duplicateCodes(service);
  return {
    accepted,
    rejected,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    duplicateCodes: duplicates,
    entriesWithCode: withCode,
  };
}
