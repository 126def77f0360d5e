import pino from 'pino';
import { Registry } from 'prom-client';
import { loadConfig } from '../../src/config';
import type { MessagingPort } from '../../src/datasources/messaging/port';
import type { SentSmsRecord, SmsPort } from '../../src/datasources/sms';
import type { Store } from '../../src/datasources/store';
import type { JobRecord } from '../../src/jobs/jobType';
import { CountsWriter } from '../../src/services/waves/send/countsWriter';
import { createWaveSendMetrics } from '../../src/services/waves/send/metrics';
import { OptOutList } from '../../src/services/waves/send/optOutList';
import { Receipts } from '../../src/services/waves/send/receipts';
import { Reconciler } from '../../src/services/waves/send/reconcile';
import { recountWave } from '../../src/services/waves/send/recountWave';
import { sendSettings } from '../../src/services/waves/send/sendSettings';
import { MessageTransitions } from '../../src/services/waves/send/transitions';
import { openTestStore } from '../support/store';
import { messagesOf, storeWave, waveOf } from './sendSupport';

const settings = sendSettings(loadConfig({ SMS_REQUEST_TIMEOUT_MS: '1000', JOB_VISIBILITY_TIMEOUT_SECONDS: '30' }));
const logger = pino({ level: 'silent' });
const NOW = new Date('2026-12-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('reconciliation of claims a worker left', () => {
  let store: Store;
  let counts: CountsWriter;
  let transitions: MessageTransitions;
  beforeAll(async () => {
    store = await openTestStore();
    counts = new CountsWriter(store.db, createWaveSendMetrics(new Registry()), logger);
    transitions = new MessageTransitions(store.db, counts);
  });
  afterAll(() => store.close());

  function reconciler(jobs: Record<string, Partial<JobRecord>>, records: SentSmsRecord[] | null) {
    const receipts = new Receipts({
      db: store.db,
      messaging: {} as MessagingPort,
      transitions,
      optOuts: new OptOutList(store.db, 'brand'),
      metrics: createWaveSendMetrics(new Registry()),
      logger,
    });
    const sms = { findSentSince: async () => records } as unknown as SmsPort;
    const lookup = { get: async (id: string) => (jobs[id] ? ({ _id: id, ...jobs[id] } as JobRecord) : null) };
    return new Reconciler({ db: store.db, sms, jobs: lookup, transitions, receipts, settings, logger, now: () => NOW });
  }

  it('takes over the claims of a run that is gone after the orphan grace, a live run only after the lease', async () => {
    const claim = (claimedBy: string, claimedAt: Date) => ({ status: 'SENDING' as const, claimedBy, claimedAt });
    const graceAgo = ago(settings.orphanGraceMs + 1000);
    const wave = await storeWave(store.db, {
      recipients: 5,
      message: (row) =>
        [
          claim('job-1|1|a.1', graceAgo), // job-1 was taken over (now attempt 2): gone
          claim('job-1|2|b.1', graceAgo), // the live run of job-1: within its lease
          claim('job-1|2|b.2', ago(settings.claimLeaseMs + 1000)), // live, but past the lease
          claim('job-1|1|a.2', ago(1000)), // gone, but too recent: a send may still be under way
          claim('someone-else', graceAgo), // not a job's claim: gone
        ][row - 1]!,
    });
    const jobs = { 'job-1': { status: 'RUNNING' as const, attempts: 2, heartbeatAt: ago(1000) } };
    expect(await reconciler(jobs, []).orphans(wave._id, null)).toBe(3);
    const statuses = (await messagesOf(store.db, wave._id)).map((message) => message.status);
    expect(statuses).toEqual(['UNCERTAIN', 'SENDING', 'UNCERTAIN', 'SENDING', 'UNCERTAIN']);
    // a run that stopped beating is gone too
    const stale = { 'job-1': { status: 'RUNNING' as const, attempts: 2, heartbeatAt: ago(settings.runStaleMs + 1) } };
    expect(await reconciler(stale, []).orphans(wave._id, null)).toBe(1);
  });

  it('settles UNCERTAIN messages by the provider record: found -> SENT, absent -> PENDING, no lookup -> left', async () => {
    const old = ago(settings.orphanGraceMs + 1000);
    const wave = await storeWave(store.db, {
      recipients: 3,
      message: (row) => ({ status: 'UNCERTAIN', claimedAt: row === 3 ? ago(1000) : old, claimedBy: 'gone' }),
    });
    const [first] = await messagesOf(store.db, wave._id);
    const record: SentSmsRecord = {
      providerMessageId: 'SMfound',
      to: first!.phone!,
      body: first!.text,
      status: 'delivered',
      createdAt: old,
    };
    // the lookup answers the same list for every number: only the first message's text is in it
    expect(await reconciler({}, [record]).settle(wave._id)).toEqual({ sent: 1, requeued: 1, unknown: 0 });
    const messages = await messagesOf(store.db, wave._id);
    expect(messages.map((message) => message.status)).toEqual(['DELIVERED', 'PENDING', 'UNCERTAIN']);
    expect(messages[0]).toMatchObject({ providerMessageId: 'SMfound', tally: { sms: 1, segments: 1, delivered: 1 } });
    expect(messages[1]).toMatchObject({ reason: 'NOT_AT_PROVIDER', claimedBy: null });

    // the aws engine has no lookup: what is left stays for an operator
    await store.db
      .collection<{ _id: string }>('waveMessages')
      .updateOne({ _id: `${wave._id}:3` }, { $set: { claimedAt: old } });
    expect(await reconciler({}, null).settle(wave._id)).toEqual({ sent: 0, requeued: 0, unknown: 1 });
  });

  it('recounts a wave from its messages after a crash lost gathered counts', async () => {
    const wave = await storeWave(store.db, {
      recipients: 4,
      message: (row) =>
        [
          { status: 'DELIVERED' as const, sentAt: NOW, tally: { sms: 1, segments: 2, delivered: 1 } },
          { status: 'FALLBACK_EMAIL' as const, reason: 'OPTED_OUT', tally: { email: 1, optedOut: 1 } },
          { status: 'UNCERTAIN' as const },
          { status: 'PENDING' as const },
        ][row - 1]!,
    });
    const recounted = await recountWave(store.db, wave._id);
    expect(recounted).toMatchObject({ ok: 2, sms: 1, segments: 2, delivered: 1, email: 1, optedOut: 1, uncertain: 1 });
    expect((await waveOf(store.db, wave._id)).counts).toMatchObject({ total: 4, ...recounted });
  });
});
