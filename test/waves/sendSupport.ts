import type { App } from '../../src/app';
import type { Db } from '../../src/datasources/store';
import { wavesFeature } from '../../src/features/waves';
import { WAVE_SEND_JOB } from '../../src/services/waves/lifecycle/waveJobs';
import {
  WAVE_MESSAGES,
  WAVES,
  type WaveConfig,
  type WaveDoc,
  type WaveMessageDoc,
  type WaveStatus,
} from '../../src/services/waves/model';
import type { WaveSending } from '../../src/services/waves/send/sendServices';
import { graphql, type GraphQLResponse } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

export interface SendServer {
  server: TestServer;
  app: App;
  sending: WaveSending;
  operator: string;
  viewer: string;
  call<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/** A test server for the sending, quiet hours off unless env turns them on. */
export async function startSendServer(env: Record<string, string> = {}): Promise<SendServer> {
  const server = await startTestServer({
    FAN_FILES_POLL_SECONDS: '0',
    WAVE_QUIET_HOURS: 'off',
    JOB_POLL_WAIT_SECONDS: '1',
    ...env,
  });
  const operator = await server.createApiKey('operator', 'sending operator');
  const viewer = await server.createApiKey('viewer', 'sending viewer');
  return {
    server,
    app: server.app,
    sending: server.servicesOf(wavesFeature).sending,
    operator,
    viewer,
    call: (query, variables = {}, key = operator) => graphql<any>(server.url, query, variables, { key }),
    stop: () => server.stop(),
  };
}

export interface StoredWaveOptions {
  id?: string;
  recipients?: number;
  status?: WaveStatus;
  config?: Partial<WaveConfig>;
  /** Changes to the message of row `row` (1-based). */
  message?: (row: number) => Partial<WaveMessageDoc>;
}

/** The phone of recipient `row`: fictional +1555 numbers, one per row. */
export const phoneOf = (row: number) => `+1555${String(2_000_000 + row).padStart(7, '0')}`;

/**
 * A wave and its messages written straight to the store, as the upload leaves them (PENDING, text
 * rendered, segments counted), in status SENDING unless told: the sending's tests start here.
 */
export async function storeWave(db: Db, options: StoredWaveOptions = {}): Promise<WaveDoc> {
  const id = options.id ?? `wave-${Math.random().toString(36).slice(2, 10)}`;
  const recipients = options.recipients ?? 10;
  const now = new Date();
  const config: WaveConfig = {
    campaignId: 'campaign-1',
    notifyDate: new Date(now.getTime() - 1000),
    generateOfferCode: false,
    messageTemplate: 'Hi {{firstName}}, your code is {{code}}',
    emailSubjectTemplate: 'Your code',
    emailTemplate: 'Hi {{firstName}}, your code is {{code}}',
    validitySeconds: 3600,
    segmentsPerSecond: 100,
    sender: '+15550001000',
    senderKind: 'SHORT_CODE',
    messageType: 'TRANSACTIONAL',
    brand: 'brand-a',
    ...options.config,
  };
  const messages: WaveMessageDoc[] = [];
  let totalSegments = 0;
  for (let row = 1; row <= recipients; row += 1) {
    const code = `CODE-${row}`;
    const message: WaveMessageDoc = {
      _id: `${id}:${row}`,
      waveId: id,
      row,
      campaignId: config.campaignId,
      userId: `user-${row}`,
      email: `fan${row}@example.com`,
      phone: phoneOf(row),
      firstName: `Fan${row}`,
      market: 'nyc',
      timeZone: 'America/New_York',
      code,
      codeKind: 'NON_TM',
      fields: { code, firstname: `Fan${row}` },
      text: `Hi Fan${row}, your code is ${code}`,
      segments: 1,
      status: 'PENDING',
      claimedAt: null,
      claimedBy: null,
      providerMessageId: null,
      errorCode: null,
      reason: null,
      sentAt: null,
      deliveredAt: null,
      updatedAt: now,
      ...options.message?.(row),
    };
    totalSegments += message.segments;
    messages.push(message);
  }
  const wave: WaveDoc = {
    _id: id,
    name: `Wave ${id}`,
    status: options.status ?? 'SENDING',
    config,
    sourceKey: null,
    prepId: null,
    counts: {
      total: recipients,
      ok: 0,
      sms: 0,
      email: 0,
      failed: 0,
      delivered: 0,
      undelivered: 0,
      optedOut: 0,
      expired: 0,
      uncertain: 0,
      skipped: 0,
      segments: 0,
    },
    rejects: [],
    rejectCount: 0,
    totalSegments,
    expectedFinishAt: null,
    statusReason: null,
    scheduledJobId: null,
    codesGenerated: false,
    codesAssigned: true,
    consecutiveErrors: 0,
    sendRuns: 1,
    createdBy: 'test',
    createdAt: now,
    updatedAt: now,
    startedAt: now,
    finishedAt: null,
  };
  for (let start = 0; start < messages.length; start += 10_000) {
    await db.collection<WaveMessageDoc>(WAVE_MESSAGES).insertMany(messages.slice(start, start + 10_000));
  }
  await db.collection<WaveDoc>(WAVES).insertOne(wave);
  return wave;
}

/** Starts a wave-send run for the wave, as the lifecycle does (`key` tells two runs apart). */
export const enqueueSend = (app: App, waveId: string, key = '1') =>
  app.jobs.enqueue(WAVE_SEND_JOB, { waveId }, { idempotencyKey: `${WAVE_SEND_JOB}:${waveId}:${key}` });

export const waveOf = async (db: Db, id: string) => (await db.collection<WaveDoc>(WAVES).findOne({ _id: id }))!;

export const messagesOf = (db: Db, waveId: string) =>
  db
    .collection<WaveMessageDoc>(WAVE_MESSAGES)
    .find({ waveId }, { sort: { row: 1 } })
    .toArray();

/** Polls `check` until it returns something truthy (or throws after `timeoutMs`). */
export async function waitFor<T>(
  check: () => Promise<T>,
  timeoutMs = 20_000,
  what = 'the condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the wave is in `status` and its counts are written, and returns it. */
export async function waitForWave(app: App, id: string, status: WaveStatus, timeoutMs = 20_000): Promise<WaveDoc> {
  await waitFor(async () => (await waveOf(app.db, id)).status === status, timeoutMs, `wave ${id} ${status}`);
  // Counts are gathered for 200 ms before they are written.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return waveOf(app.db, id);
}
