import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { graphql, upload, type FinishedJob } from '../support/client';
import { BLACKLISTED_DOMAINS, blacklistedEmailOf, CAMPAIGN_ID } from './fanData';
import { sampleRss, type RssPeak } from './rssSampler';
import { writeScoredFile } from './scoredFile';
import type { BenchService } from './service';

export interface ScrubFigures {
  rows: number;
  bytes: number;
  /** From the upload's first byte to the scrubbed file and the stats stored. */
  scrubSeconds: number;
  /** RSS growth until the scrub ended, and over the whole job (scrub and apply). */
  scrubPeak: RssPeak;
  jobPeak: RssPeak;
  /** Entries written with their score and verdict, and the job's time for it. */
  applied: number;
  applySeconds: number;
  stats: Record<string, unknown>;
}

/** Most entries one addToBlacklist call takes. */
const BLACKLIST_CALL = 10_000;

/** The blacklist the scored file's variants must be caught by, added as an operator adds it. */
async function addBlacklist(service: BenchService, rows: number): Promise<number> {
  const entries: { kind: 'EMAIL' | 'DOMAIN'; value: string }[] = BLACKLISTED_DOMAINS.map((value) => ({
    kind: 'DOMAIN',
    value,
  }));
  for (let i = 0; i < rows; i++) {
    const email = blacklistedEmailOf(i);
    if (email) entries.push({ kind: 'EMAIL', value: email });
  }
  for (let from = 0; from < entries.length; from += BLACKLIST_CALL) {
    await graphql(
      service,
      `
        mutation ($entries: [BlacklistEntryInput!]!) {
          addToBlacklist(entries: $entries) {
            added
          }
        }
      `,
      { entries: entries.slice(from, from + BLACKLIST_CALL) },
    );
  }
  return entries.length;
}

interface ScoredFileJobResult {
  scrubMs: number;
  applyMs: number;
  scored: { records: number; applied: number } | null;
}

/** Polls the job; the RSS peak is read when the scrub's stats appear (the apply follows). */
async function followJob(service: BenchService, id: string, sampler: Awaited<ReturnType<typeof sampleRss>>) {
  let scrubPeak: RssPeak | null = null;
  for (;;) {
    const { job } = await graphql<{ job: FinishedJob }>(
      service,
      `
        query ($id: ID!) {
          job(id: $id) {
            id
            status
            stats
            result
            error {
              code
              message
            }
            startedAt
            finishedAt
          }
        }
      `,
      { id },
    );
    if (scrubPeak === null && (job.stats.scrubMs !== undefined || job.status === 'SUCCEEDED')) {
      scrubPeak = await sampler.peek();
    }
    if (job.status === 'SUCCEEDED') return { job, scrubPeak: scrubPeak!, jobPeak: await sampler.stop() };
    if (job.status === 'FAILED' || job.status === 'CANCELLED') {
      await sampler.stop();
      throw new Error(`scored-file job ${job.status}: ${JSON.stringify(job.error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A scored file of `rows` fans uploaded through `uploadScoredFile` (GraphQL multipart, streamed
 * from disk), followed to its scrubbed file and stats and then its scores applied to the entries.
 * The scrub's time runs from the upload's start to the job's start plus the scrub time the job
 * reports; the apply's is the job's own.
 */
export async function scrubScoredFile(service: BenchService, rows: number): Promise<ScrubFigures> {
  const blacklisted = await addBlacklist(service, rows);
  const path = join(service.dataDir, 'bench-scored.txt');
  const bytes = await writeScoredFile(path, rows);
  console.log(
    `  scored file: ${rows.toLocaleString('en-US')} rows, ${(bytes / 2 ** 20).toFixed(0)} MB; ` +
      `blacklist of ${blacklisted.toLocaleString('en-US')} entries`,
  );
  // growth from a collected heap, not from the garbage the ingestion left (npm run bench:fans has --expose-gc)
  (globalThis as { gc?: () => void }).gc?.();
  const sampler = await sampleRss();
  const startedAt = Date.now();
  try {
    const { uploadScoredFile } = await upload<{ uploadScoredFile: { id: string } }>(
      service,
      `mutation ($file: Upload!, $campaignId: ID) { uploadScoredFile(file: $file, campaignId: $campaignId) { id } }`,
      { campaignId: CAMPAIGN_ID },
      path,
    );
    const { job, scrubPeak, jobPeak } = await followJob(service, uploadScoredFile.id, sampler);
    const result = job.result as ScoredFileJobResult;
    const scrubEnd = Date.parse(job.startedAt!) + result.scrubMs;
    return {
      rows,
      bytes,
      scrubSeconds: (scrubEnd - startedAt) / 1000,
      scrubPeak,
      jobPeak,
      applied: result.scored?.applied ?? 0,
      applySeconds: result.applyMs / 1000,
      stats: job.stats,
    };
  } catch (error) {
    await sampler.stop().catch(() => undefined);
    throw error;
  } finally {
    await rm(path, { force: true });
  }
}
