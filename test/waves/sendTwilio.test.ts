import { createServer } from 'node:net';
import { twilioSignature, TWILIO_WEBHOOK_PATHS } from '../../src/datasources/sms';
import {
  OPT_OUTS,
  WAVE_MESSAGES,
  WAVES,
  type OptOutDoc,
  type WaveDoc,
  type WaveMessageDoc,
} from '../../src/services/waves/model';
import { FILTERED_NUMBER, startFakeTwilio, type FakeTwilio } from '../datasources/sms/fakeTwilio';
import { enqueueSend, messagesOf, startSendServer, storeWave, waitFor, waveOf, type SendServer } from './sendSupport';

const SENDER = '+15550001000';
const CONCURRENCY = 2;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The most arrivals at the fake in any 1-second window (windows ending at each arrival). */
function maxPerSecond(arrivals: number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let max = 0;
  let tail = 0;
  sorted.forEach((at, index) => {
    while (sorted[tail]! <= at - 1000) tail += 1;
    max = Math.max(max, index - tail + 1);
  });
  return max;
}

describe('wave-send on the twilio engine, against a local Twilio', () => {
  let fake: FakeTwilio;
  let send: SendServer;
  let baseUrl: string;
  const arrivals: number[] = [];

  beforeAll(async () => {
    fake = await startFakeTwilio({
      callbacks: true,
      clock: () => {
        arrivals.push(Date.now());
        return new Date();
      },
    });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    send = await startSendServer({
      PORT: String(port),
      PUBLIC_BASE_URL: baseUrl,
      SMS_BACKEND: 'twilio',
      TWILIO_ACCOUNT_SID: fake.accountSid,
      TWILIO_AUTH_TOKEN: fake.authToken,
      TWILIO_API_BASE_URL: fake.url,
      WAVE_SEND_CONCURRENCY: String(CONCURRENCY),
      WAVE_MAX_CONSECUTIVE_ERRORS: '5',
      WAVE_GLOBAL_SEGMENTS_PER_SECOND: '1000',
    });
  });
  afterAll(async () => {
    await send.stop();
    await fake.close();
  });

  /** The texts the fake received for a wave message (its idempotency key rides in the callback URL). */
  const textsOf = (messageId: string) =>
    fake.messages.filter((message) =>
      message.request.StatusCallback?.endsWith(`idempotencyKey=${encodeURIComponent(messageId)}`),
    );
  const finishedJob = (id: string) =>
    waitFor(async () => {
      const job = await send.app.jobs.get(id);
      return job && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status) ? job : null;
    });
  let nextPhone = 3_000_000;
  /** Numbers no other test texts, so that a wave's texts are told apart by number too. */
  const freshPhones = () => {
    const base = (nextPhone += 1000);
    return (row: number) => ({ phone: `+1555${base + row}` });
  };

  it('holds the rate at the provider and moves messages forward with its status callbacks', async () => {
    arrivals.length = 0;
    const rate = 20;
    const wave = await storeWave(send.app.db, {
      recipients: 50,
      config: { segmentsPerSecond: rate },
      message: (row) => (row === 7 ? { phone: FILTERED_NUMBER } : {}),
    });
    await enqueueSend(send.app, wave._id);
    await waitFor(async () => (await waveOf(send.app.db, wave._id)).status === 'SENT', 30_000, 'the wave to end');
    await fake.callbacksDone();
    const done = await waitFor(async () => {
      const current = await waveOf(send.app.db, wave._id);
      return current.counts.delivered === 49 && current.counts.email === 1 ? current : null;
    });
    // the limiter grants at most the rate in any second; texts granted before a second may arrive
    // within it, at most one per sender slot
    expect(maxPerSecond(arrivals)).toBeLessThanOrEqual(rate + CONCURRENCY);
    expect(arrivals).toHaveLength(50);
    // 30007 (filtered) is permanent: the text is undelivered and the fallback e-mail goes
    expect(done.counts).toMatchObject({ sms: 50, delivered: 49, undelivered: 1, email: 1, ok: 50, failed: 0 });
    const filtered = (await messagesOf(send.app.db, wave._id)).find((message) => message.row === 7)!;
    expect(filtered).toMatchObject({ status: 'FALLBACK_EMAIL', errorCode: '30007', reason: 'REJECTED' });
  });

  it('sends a wave with two workers at once, each recipient exactly once', async () => {
    const wave = await storeWave(send.app.db, {
      recipients: 120,
      config: { segmentsPerSecond: 100 },
      message: freshPhones(),
    });
    const runs = await Promise.all([enqueueSend(send.app, wave._id, 'a'), enqueueSend(send.app, wave._id, 'b')]);
    await waitFor(async () => (await waveOf(send.app.db, wave._id)).status === 'SENT', 30_000, 'the wave to end');
    for (const run of runs) await finishedJob(run._id);
    for (let row = 1; row <= 120; row += 1) expect(textsOf(`${wave._id}:${row}`)).toHaveLength(1);
    const jobs = await send.app.db
      .collection<{ type: string; params: { waveId: string }; stats: Record<string, number> }>('jobs')
      .find({ type: 'wave-send', 'params.waveId': wave._id })
      .toArray();
    // every message claimed once, whichever of the two runs took it
    expect(jobs.map((job) => job.stats.claimed).reduce((a, b) => a + b, 0)).toBe(120);
  });

  it('pauses the wave itself after WAVE_MAX_CONSECUTIVE_ERRORS provider errors in a row', async () => {
    // Twilio answers 500 for this number: each send may have gone, so it is UNCERTAIN, not retried
    const wave = await storeWave(send.app.db, { recipients: 20, message: () => ({ phone: '+15550500000' }) });
    await enqueueSend(send.app, wave._id);
    const paused = await waitFor(async () => {
      const current = await waveOf(send.app.db, wave._id);
      return current.status === 'PAUSED' ? current : null;
    });
    expect(paused.statusReason).toMatch(/^Paused after 5 provider errors in a row/);
    const messages = await waitFor(async () => {
      const all = await messagesOf(send.app.db, wave._id);
      return all.some((message) => message.status === 'SENDING') ? null : all;
    });
    const uncertain = messages.filter((message) => message.status === 'UNCERTAIN');
    expect(uncertain.length).toBeGreaterThanOrEqual(5);
    // the texts already with the provider when the fifth error paused the wave
    expect(uncertain.length).toBeLessThanOrEqual(5 + CONCURRENCY - 1);
    expect(messages.filter((message) => message.status === 'PENDING')).toHaveLength(20 - uncertain.length);
  });

  it('retries a throttled text later (Retry-After), never at once', async () => {
    const wave = await storeWave(send.app.db, { recipients: 1, message: () => ({ phone: '+15550429000' }) });
    const before = Date.now();
    await enqueueSend(send.app, wave._id);
    const throttled = await waitFor(async () => {
      const [message] = await messagesOf(send.app.db, wave._id);
      return message!.attempts === 1 && message!.status === 'PENDING' ? message! : null;
    });
    expect(throttled).toMatchObject({ reason: 'THROTTLED', errorCode: '20429' });
    expect(throttled.retryAt!.getTime()).toBeGreaterThanOrEqual(before + 3000);
    await send.app.db.collection<WaveDoc>(WAVES).updateOne({ _id: wave._id }, { $set: { status: 'CANCELLED' } });
  });

  it('stops at a pause, sends the rest after the resume, skips what is left at a cancel', async () => {
    const wave = await storeWave(send.app.db, { recipients: 60, config: { segmentsPerSecond: 20 } });
    const waves = send.app.db.collection<WaveDoc>(WAVES);
    const first = await enqueueSend(send.app, wave._id);
    await waitFor(async () => (await messagesOf(send.app.db, wave._id)).filter((m) => m.sentAt).length >= 5);
    await waves.updateOne({ _id: wave._id }, { $set: { status: 'PAUSED' } });
    const pausedRun = await waitFor(async () => {
      const job = await send.app.jobs.get(first._id);
      return job?.status === 'SUCCEEDED' ? job : null;
    });
    expect(pausedRun.result).toEqual({ outcome: 'PAUSED' });
    const atPause = await messagesOf(send.app.db, wave._id);
    expect(atPause.filter((message) => message.status === 'SENDING')).toHaveLength(0);
    const sentAtPause = atPause.filter((message) => message.sentAt).length;
    expect(sentAtPause).toBeLessThan(60);
    // nothing more goes out while paused
    const textsAtPause = fake.messages.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.messages.filter((message) => message.to.startsWith('+1555')).length).toBeLessThanOrEqual(textsAtPause);

    await waves.updateOne({ _id: wave._id }, { $set: { status: 'SENDING' } });
    await enqueueSend(send.app, wave._id, 'resumed');
    await waitFor(
      async () => (await messagesOf(send.app.db, wave._id)).filter((m) => m.sentAt).length >= sentAtPause + 5,
    );
    await waves.updateOne({ _id: wave._id }, { $set: { status: 'CANCELLED' } });
    const cancelled = await waitFor(async () => {
      const all = await messagesOf(send.app.db, wave._id);
      return all.every((message) => message.status !== 'PENDING' && message.status !== 'SENDING') ? all : null;
    });
    const skipped = cancelled.filter((message) => message.status === 'SKIPPED');
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((message) => message.reason === 'CANCELLED')).toBe(true);
    expect(cancelled.filter((message) => message.sentAt).length + skipped.length).toBe(60);
    for (const message of cancelled) expect(textsOf(message._id).length).toBe(message.sentAt ? 1 : 0);
    await waitFor(async () => (await waveOf(send.app.db, wave._id)).counts.skipped === skipped.length);
  });

  it('settles the claims of a worker that died: found at the provider -> SENT, absent -> sent once', async () => {
    const claimedAt = new Date(Date.now() - 10 * 60_000);
    const dead = { status: 'SENDING' as const, claimedAt, claimedBy: 'gone-job|1|dead.1' };
    const phones = freshPhones();
    const wave = await storeWave(send.app.db, {
      recipients: 4,
      message: (row) => ({ ...phones(row), text: `Your code ${row} (reconciled)`, ...(row <= 2 ? dead : {}) }),
    });
    const [sentBeforeDying] = await messagesOf(send.app.db, wave._id);
    // the dead worker's call for row 1 reached Twilio before it died (no status callback yet)
    const created = { providerMessageId: 'SMdeadworker0000000000000000000001' };
    fake.messages.push({
      sid: created.providerMessageId,
      account_sid: fake.accountSid,
      to: sentBeforeDying!.phone!,
      from: SENDER,
      messaging_service_sid: null,
      body: sentBeforeDying!.text,
      status: 'queued',
      direction: 'outbound-api',
      date_created: new Date(claimedAt.getTime() + 200).toUTCString(),
      date_sent: null,
      error_code: null,
      num_segments: '1',
      request: {},
    });
    const job = await enqueueSend(send.app, wave._id);
    await waitFor(async () => (await waveOf(send.app.db, wave._id)).status === 'SENT', 30_000, 'the wave to end');
    const messages = await messagesOf(send.app.db, wave._id);
    expect(messages[0]).toMatchObject({
      status: expect.stringMatching(/SENT|DELIVERED/),
      providerMessageId: created.providerMessageId,
    });
    for (const message of messages) {
      expect(fake.messages.filter((text) => text.to === message.phone && text.body === message.text)).toHaveLength(1);
    }
    const { stats } = await finishedJob(job._id);
    expect(stats).toMatchObject({ orphaned: 2, settledSent: 1, settledRequeued: 1 });
    const counted = await waitFor(async () => {
      const current = await waveOf(send.app.db, wave._id);
      return current.counts.sms === 4 ? current : null;
    });
    expect(counted.counts.uncertain).toBe(0);
  });

  describe('inbound texts through the signed webhook', () => {
    const inboundUrl = () => `${baseUrl}${TWILIO_WEBHOOK_PATHS.inbound}`;
    const post = (fields: Record<string, string>, signed = true) =>
      fetch(inboundUrl(), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(signed ? { 'x-twilio-signature': twilioSignature(inboundUrl(), fields, fake.authToken) } : {}),
        },
        body: new URLSearchParams(fields),
      });
    const inbound = (sid: string, from: string, body: string) =>
      post({ AccountSid: fake.accountSid, MessageSid: sid, SmsSid: sid, From: from, To: SENDER, Body: body });
    const optOuts = () => send.app.db.collection<OptOutDoc>(OPT_OUTS);
    const repliesTo = (phone: string) => fake.messages.filter((message) => message.to === phone);

    it('STOP opts the number out of the brand and confirms once, however often it is delivered', async () => {
      const fan = '+15558880001';
      expect((await inbound('SMstop1', fan, ' stop ')).status).toBe(200);
      expect((await inbound('SMstop1', fan, ' stop ')).status).toBe(200);
      expect(await optOuts().findOne({ _id: `brand-a:${fan}` })).toMatchObject({
        source: 'keyword:stop',
        brand: 'brand-a',
      });
      await waitFor(async () => repliesTo(fan).length > 0);
      expect(repliesTo(fan)).toHaveLength(1);
      expect(repliesTo(fan)[0]!.body).toMatch(/unsubscribed/);
      // a later wave of the brand skips the number
      const wave = await storeWave(send.app.db, { recipients: 1, message: () => ({ phone: fan, email: null }) });
      await enqueueSend(send.app, wave._id);
      await waitFor(async () => (await waveOf(send.app.db, wave._id)).status === 'SENT');
      expect((await messagesOf(send.app.db, wave._id))[0]).toMatchObject({ status: 'SKIPPED', reason: 'OPTED_OUT' });
      expect(repliesTo(fan)).toHaveLength(1);
    });

    it('START removes the opt-out, HELP gets the help text, other texts change nothing', async () => {
      const fan = '+15558880002';
      await inbound('SMstop2', fan, 'OPT-OUT');
      expect(await optOuts().countDocuments({ phone: fan })).toBe(1);
      await inbound('SMstart2', fan, 'Start');
      expect(await optOuts().countDocuments({ phone: fan })).toBe(0);
      await inbound('SMhelp2', fan, 'help');
      await inbound('SMhello2', fan, 'hello there');
      await waitFor(async () => repliesTo(fan).length >= 2);
      expect(repliesTo(fan).map((reply) => reply.body)).toEqual([
        expect.stringMatching(/unsubscribed/),
        expect.stringMatching(/Reply STOP/),
      ]);
    });

    it('refuses an unsigned request (403) and changes nothing', async () => {
      const fan = '+15558880003';
      const response = await post(
        { AccountSid: fake.accountSid, MessageSid: 'SMx', From: fan, To: SENDER, Body: 'STOP' },
        false,
      );
      expect(response.status).toBe(403);
      expect(await optOuts().countDocuments({ phone: fan })).toBe(0);
    });
  });

  it('moves a message only forward, whatever order and number of times its receipts come', async () => {
    const wave = await storeWave(send.app.db, { recipients: 2 });
    const messages = send.app.db.collection<WaveMessageDoc>(WAVE_MESSAGES);
    // row 1 is claimed and its send under way: a receipt may come before the send's answer
    await messages.updateOne(
      { _id: `${wave._id}:1` },
      { $set: { status: 'SENDING', claimedAt: new Date(), claimedBy: 'x|1|y.1' } },
    );
    const receipt = (status: 'sent' | 'delivered' | 'failed', row = 1) =>
      send.sending.receipts.handle({
        kind: 'status',
        providerMessageId: `SMreceipt${row}`,
        status,
        idempotencyKey: `${wave._id}:${row}`,
        at: new Date(),
        ...(status === 'failed' ? { errorCode: '30003', reason: 'UNREACHABLE' as const, permanent: false } : {}),
      });
    await receipt('delivered');
    await receipt('sent');
    await receipt('failed');
    await receipt('delivered');
    const [first] = await messagesOf(send.app.db, wave._id);
    expect(first).toMatchObject({ status: 'DELIVERED', providerMessageId: 'SMreceipt1' });
    expect(first!.sentAt).toBeInstanceOf(Date);
    // a receipt for a text never sent (PENDING, unclaimed) still proves it went: counted once
    await receipt('sent', 2);
    await receipt('sent', 2);
    const counted = await waitFor(async () => {
      const current = await waveOf(send.app.db, wave._id);
      return current.counts.sms === 2 ? current : null;
    });
    expect(counted.counts).toMatchObject({ sms: 2, delivered: 1, failed: 0, ok: 2 });
    await send.app.db.collection<WaveDoc>(WAVES).updateOne({ _id: wave._id }, { $set: { status: 'SENT' } });
  });
});
