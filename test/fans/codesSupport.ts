import type { Db } from '../../src/datasources/store';
import type { QueuePort } from '../../src/datasources/queue/port';
import { fansFeature } from '../../src/features/fans';
import { CodePoolCounts } from '../../src/services/fans/codes/poolCounts';
import {
  CODES,
  CODE_POOLS,
  FAN_ENTRIES,
  entryId,
  type CodeDoc,
  type CodePoolDoc,
  type FanEntryDoc,
} from '../../src/services/fans/model';
import type { CodeAssignmentRecord } from '../../src/services/fans/records';
import type { VerdictsMessageV1 } from '../../src/services/fans/codes/verdicts';
import { graphql } from '../support/graphql';
import type { TestServer } from '../support/server';

export { storeCampaign } from './ingestSupport';

/** Registered fans of a campaign, stored as the registration pipeline leaves them (not yet selected). */
export async function storeEntries(db: Db, campaignId: string, userIds: string[]): Promise<void> {
  const now = new Date();
  const docs: FanEntryDoc[] = userIds.map((userId) => ({
    _id: entryId(campaignId, userId),
    campaignId,
    userId,
    email: `${userId}@example.com`,
    phone: null,
    firstName: 'Ann',
    marketPreferences: ['nyc'],
    market: 'nyc',
    smsConsent: null,
    registeredAt: now,
    score: 0.5,
    verdict: null,
    verdictReason: null,
    code: null,
    codeKind: null,
    selectedEvents: [],
    updatedAt: now,
  }));
  await db.collection<FanEntryDoc>(FAN_ENTRIES).insertMany(docs);
}

/** A pool of AVAILABLE codes, stored directly (uploads have their own tests), then counted as `stats rebuild` does. */
export async function storePool(
  db: Db,
  campaignId: string,
  name: string,
  codes: string[],
  kind: CodePoolDoc['kind'] = 'NON_TM',
): Promise<void> {
  const now = new Date();
  const poolId = `${campaignId}:${name}`;
  await db
    .collection<CodePoolDoc>(CODE_POOLS)
    .insertOne({ _id: poolId, campaignId, kind, name, createdAt: now, createdBy: 'test' });
  if (codes.length === 0) return;
  await db.collection<CodeDoc>(CODES).insertMany(
    codes.map((code) => ({
      _id: code,
      campaignId,
      poolId,
      kind,
      state: 'AVAILABLE' as const,
      waveId: null,
      entryId: null,
      userId: null,
      reservedAt: null,
      assignedAt: null,
      createdAt: now,
    })),
  );
  await new CodePoolCounts(db).rebuild();
}

/** A code assignment record as a producer sends it (after the ingestion's formatting). */
export const assignment = (
  campaignId: string,
  userId: string | null,
  extra: Partial<CodeAssignmentRecord> = {},
): CodeAssignmentRecord => ({
  type: 'codeAssignment',
  campaignId,
  userId,
  email: null,
  code: null,
  codeKind: null,
  selectedEvents: [],
  refresh: false,
  waveId: null,
  idempotencyKey: null,
  assignedAt: Date.parse('2026-04-01T10:00:00Z'),
  ...extra,
});

export const codesOf = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `${prefix}${String(index).padStart(5, '0')}`);

export const assignmentService = (server: TestServer) => server.servicesOf(fansFeature).assignment;

/** Takes every verdicts message waiting on the queue (and deletes them). */
export async function drainVerdicts(queue: QueuePort, name = 'verdicts'): Promise<VerdictsMessageV1[]> {
  const messages: VerdictsMessageV1[] = [];
  for (;;) {
    const received = await queue.receive(name, { maxMessages: 10 });
    if (received.length === 0) return messages;
    for (const message of received) messages.push(JSON.parse(message.body) as VerdictsMessageV1);
    await queue.delete(
      name,
      received.map((message) => message.receiptHandle),
    );
  }
}

export const codeDocs = (db: Db) => db.collection<CodeDoc>(CODES);
export const entryDocs = (db: Db) => db.collection<FanEntryDoc>(FAN_ENTRIES);

export interface JobView {
  id: string;
  type: string;
  status: string;
  result: any;
  error: { message: string; code: string } | null;
  progress: { fraction: number };
}

export interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A GraphQL multipart request with one file in variable `$file` (the graphql-upload protocol). */
export async function uploadMutation<T>(
  server: TestServer,
  key: string,
  query: string,
  variables: Record<string, unknown>,
  file: { content: string | Buffer; filename: string },
): Promise<GraphQLAnswer<T>> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([file.content]), file.filename);
  const response = await fetch(server.url, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${key}`, 'apollo-require-preflight': 'true' },
  });
  return (await response.json()) as GraphQLAnswer<T>;
}

export const JOB_FIELDS = 'id type status result error { message code } progress { fraction }';

/** Polls the job until it is finished (SUCCEEDED, FAILED or CANCELLED). */
export async function finishedJob(server: TestServer, key: string, id: string): Promise<JobView> {
  for (;;) {
    const answer = await graphql<{ job: JobView }>(
      server.url,
      `query($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`,
      { id },
      { key },
    );
    const job = answer.data?.job;
    if (!job) throw new Error(`job ${id}: ${JSON.stringify(answer.errors)}`);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
