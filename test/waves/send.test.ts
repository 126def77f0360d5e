import { OUTBOX_COLLECTION, type OutboxDocument } from '../../src/datasources/messaging/port';
import { SMS_OUTBOX_COLLECTION } from '../../src/datasources/sms';
import { OPT_OUTS, type OptOutDoc, type WaveMessageDoc } from '../../src/services/waves/model';
import { enqueueSend, messagesOf, startSendServer, storeWave, waitFor, waveOf, type SendServer } from './sendSupport';

describe('wave-send on the outbox engine', () => {
  let send: SendServer;
  beforeAll(async () => {
    send = await startSendServer({ SMS_OUTBOX_RECEIPT_DELAY_MS: '50' });
  });
  afterAll(() => send.stop());

  const outboxOf = (waveId: string) =>
    send.app.db.collection(SMS_OUTBOX_COLLECTION).find({ 'metadata.waveId': waveId }).toArray();

  it('sends every PENDING message once, ends the wave SENT and counts the receipts', async () => {
    const wave = await storeWave(send.app.db, { recipients: 20 });
    await enqueueSend(send.app, wave._id);
    const done = await waitFor(async () => {
      const current = await waveOf(send.app.db, wave._id);
      return current.status === 'SENT' && current.counts.delivered === 20 ? current : null;
    });
    expect(done.counts).toMatchObject({ total: 20, sms: 20, segments: 20, delivered: 20, ok: 20, failed: 0 });
    expect(done.finishedAt).toBeInstanceOf(Date);
    const messages = await messagesOf(send.app.db, wave._id);
    expect(messages.every((message) => message.status === 'DELIVERED' && message.providerMessageId)).toBe(true);
    expect(messages.every((message) => message.tally?.sms === 1 && message.tally.delivered === 1)).toBe(true);
    expect(await outboxOf(wave._id)).toHaveLength(20);
  });

  it('falls back to e-mail, skips or fails each recipient that cannot take the text, and counts why', async () => {
    const optOuts = send.app.db.collection<OptOutDoc>(OPT_OUTS);
    const at = new Date();
    await optOuts.insertMany([
      { _id: 'brand-a:+15557770004', brand: 'brand-a', phone: '+15557770004', source: 'keyword:STOP', at },
      { _id: '*:+15557770005', brand: '*', phone: '+15557770005', source: 'keyword:STOP', at },
      // another brand's opt-out does not stop this brand's texts
      { _id: 'brand-b:+15557770001', brand: 'brand-b', phone: '+15557770001', source: 'keyword:STOP', at },
    ]);
    const rows: Record<number, Partial<WaveMessageDoc>> = {
      1: { phone: '+15557770001' },
      2: { phone: null },
      3: { phone: null, email: null },
      4: { phone: '+15557770004' },
      5: { phone: '+15557770005', email: null },
      6: { phone: '+15005550001' },
      7: { phone: '+15005550004' },
      8: { phone: '+15005550009', email: null },
    };
    const wave = await storeWave(send.app.db, { recipients: 8, message: (row) => rows[row]! });
    await enqueueSend(send.app, wave._id);
    const done = await waitFor(async () => {
      const current = await waveOf(send.app.db, wave._id);
      return current.status === 'SENT' && current.counts.delivered === 1 ? current : null;
    });
    const messages = await messagesOf(send.app.db, wave._id);
    expect(messages.map((message) => [message.row, message.status, message.reason])).toEqual([
      [1, 'DELIVERED', null],
      [2, 'FALLBACK_EMAIL', 'NO_PHONE'],
      [3, 'SKIPPED', 'NO_CONTACT'],
      [4, 'FALLBACK_EMAIL', 'OPTED_OUT'],
      [5, 'SKIPPED', 'OPTED_OUT'],
      [6, 'FALLBACK_EMAIL', 'INVALID_RECIPIENT'],
      [7, 'FALLBACK_EMAIL', 'OPTED_OUT'],
      [8, 'FAILED', 'INVALID_RECIPIENT'],
    ]);
    expect(done.counts).toMatchObject({
      total: 8,
      sms: 1,
      delivered: 1,
      email: 4,
      skipped: 2,
      failed: 2,
      optedOut: 3,
      ok: 5,
      uncertain: 0,
    });
    // the provider's opted-out error put the number on the brand's list
    expect(await optOuts.findOne({ _id: 'brand-a:+15005550004' })).toMatchObject({ source: 'provider:21610' });
    // one e-mail per fallback, keyed by the message, with the wave's template filled
    const emails = await send.app.db
      .collection<OutboxDocument>(OUTBOX_COLLECTION)
      .find({ 'metadata.waveId': wave._id })
      .toArray();
    expect(emails.map((email) => email._id).sort()).toEqual(
      [2, 4, 6, 7].map((row) => `${wave._id}:${row}:email`).sort(),
    );
    expect(emails.find((email) => email._id === `${wave._id}:2:email`)).toMatchObject({
      channel: 'EMAIL',
      to: 'fan2@example.com',
      subject: 'Your code',
      text: 'Hi Fan2, your code is CODE-2',
    });
    // the provider kept only the text it accepted; opted-out and phoneless recipients were never tried
    expect((await outboxOf(wave._id)).map((text) => text.to)).toEqual(['+15557770001']);
  });

  it('never sends late: past notifyDate + validity every message EXPIRED, none sent', async () => {
    const wave = await storeWave(send.app.db, {
      recipients: 5,
      config: { notifyDate: new Date(Date.now() - 3_600_000), validitySeconds: 60 },
    });
    await enqueueSend(send.app, wave._id);
    const done = await waitFor(async () => {
      const current = await waveOf(send.app.db, wave._id);
      return current.status === 'SENT' && current.counts.expired === 5 ? current : null;
    });
    expect(done.counts).toMatchObject({ expired: 5, sms: 0, ok: 0 });
    expect((await messagesOf(send.app.db, wave._id)).every((message) => message.status === 'EXPIRED')).toBe(true);
    expect(await outboxOf(wave._id)).toHaveLength(0);
  });

  it('skips the PENDING messages of a wave cancelled while no run sends it', async () => {
    const sending = await storeWave(send.app.db, { recipients: 2, status: 'PAUSED' });
    expect(await send.sending.skipCancelled(sending._id)).toBe(0);
    const wave = await storeWave(send.app.db, { recipients: 3, status: 'CANCELLED' });
    expect(await send.sending.skipCancelled(wave._id)).toBe(3);
    expect(await send.sending.skipCancelled(wave._id)).toBe(0);
    expect((await messagesOf(send.app.db, wave._id)).every((message) => message.reason === 'CANCELLED')).toBe(true);
    expect((await waveOf(send.app.db, wave._id)).counts.skipped).toBe(3);
  });

  it('sends nothing of a wave that is not SENDING', async () => {
    const wave = await storeWave(send.app.db, { recipients: 3, status: 'PAUSED' });
    const job = await enqueueSend(send.app, wave._id);
    const finished = await waitFor(async () => {
      const current = await send.app.jobs.get(job._id);
      return current?.status === 'SUCCEEDED' ? current : null;
    });
    expect(finished.result).toEqual({ outcome: 'PAUSED' });
    expect((await messagesOf(send.app.db, wave._id)).every((message) => message.status === 'PENDING')).toBe(true);
  });
});
