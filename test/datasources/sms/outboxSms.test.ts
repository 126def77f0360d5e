import { AppError } from '../../../src/errors';
import {
  OutboxSms,
  SmsSendError,
  smsIndexes,
  type OutboxSmsOptions,
  type SmsEvent,
  type SmsMessage,
  type SmsOutboxDocument,
  type SmsPort,
} from '../../../src/datasources/sms';
import type { Store } from '../../../src/datasources/store';
import { applyIndexes } from '../../../src/datasources/store/indexes';
import { openTestStore } from '../../support/store';

const message = (to: string, idempotencyKey: string, body = 'Your presale code: ABCD-EFGH-JKMN'): SmsMessage => ({
  to,
  body,
  sender: '+15550001000',
  messageType: 'PROMOTIONAL',
  validitySeconds: 3600,
  idempotencyKey,
  metadata: { waveId: 'w1' },
});

/** Resolves once `count` events arrived. */
function collect(engine: OutboxSms, count: number) {
  const events: SmsEvent[] = [];
  let release: () => void;
  const done = new Promise<SmsEvent[]>((resolve) => {
    release = () => resolve(events);
  });
  engine.onEvent(async (event) => {
    events.push(event);
    if (events.length === count) release();
  });
  return { events, done };
}

describe('SMS outbox engine', () => {
  let store: Store;
  const engines: OutboxSms[] = [];
  const outbox = (options: Partial<OutboxSmsOptions> = {}) => {
    const engine = new OutboxSms(store.db, {
      receiptDelayMs: 0,
      failRate: 0,
      failCodes: [30007],
      pollIntervalMs: 20,
      ...options,
    });
    engines.push(engine);
    return engine;
  };
  const stored = (key: string) => store.db.collection<SmsOutboxDocument>('smsOutbox').findOne({ _id: key });

  beforeEach(async () => {
    store = await openTestStore();
    await applyIndexes(store.db, smsIndexes);
  });
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.stop()));
    await store.close();
  });

  it('records a text once per idempotency key, with its segments', async () => {
    const engine = outbox();
    const first = await engine.send(message('+15551230001', 'w1:e1'));
    expect(first).toEqual({ providerMessageId: expect.stringMatching(/^OB[0-9a-f]{32}$/), status: 'SENT' });
    expect(await engine.send(message('+15551230001', 'w1:e1'))).toEqual({ ...first, duplicate: true });
    expect(await store.db.collection('smsOutbox').countDocuments({})).toBe(1);
    expect(await stored('w1:e1')).toMatchObject({
      to: '+15551230001',
      sender: '+15550001000',
      encoding: 'GSM-7',
      segments: 1,
      metadata: { waveId: 'w1' },
      status: 'sent',
      sentAt: expect.any(Date),
    });
  });

  it('produces a delivered receipt through the handlers, then records it', async () => {
    const engine = outbox();
    const { done } = collect(engine, 1);
    await engine.start();
    const { providerMessageId } = await engine.send(message('+15551230002', 'w1:e2'));
    const [receipt] = await done;
    expect(receipt).toEqual({
      kind: 'status',
      providerMessageId,
      status: 'delivered',
      idempotencyKey: 'w1:e2',
      at: expect.any(Date),
    });
    await engine.stop();
    const entry = await stored('w1:e2');
    expect(entry?.status).toBe('delivered');
    expect(entry?.receiptDueAt).toBeUndefined();
  });

  it('fails the configured share with the configured codes', async () => {
    const engine = outbox({ failRate: 1, failCodes: [30007] });
    const optedOutAtCarrier = outbox({ failRate: 1, failCodes: [21610] });
    const { done } = collect(engine, 2);
    optedOutAtCarrier.onEvent(async () => undefined);
    await engine.start();
    await engine.send(message('+15551230003', 'w1:e3'));
    await optedOutAtCarrier.send(message('+15551230004', 'w1:e4'));
    const receipts = await done;
    const byKey = Object.fromEntries(
      receipts.map((event) => [(event as { idempotencyKey: string }).idempotencyKey, event]),
    );
    expect(byKey['w1:e3']).toMatchObject({
      status: 'undelivered',
      errorCode: '30007',
      reason: 'REJECTED',
      permanent: true,
      optedOut: false,
    });
    expect(byKey['w1:e4']).toMatchObject({ status: 'failed', errorCode: '21610', permanent: true, optedOut: true });
  });

  it('keeps receipts across a restart, and takes none while no handler listens', async () => {
    const before = outbox({ receiptDelayMs: 0 });
    await before.start();
    await before.send(message('+15551230005', 'w1:e5'));
    await before.stop();
    expect((await stored('w1:e5'))?.receiptDueAt).toBeInstanceOf(Date);

    const after = outbox();
    const { done } = collect(after, 1);
    await after.start();
    expect(await done).toEqual([expect.objectContaining({ idempotencyKey: 'w1:e5', status: 'delivered' })]);
  });

  it('delivers a receipt again when its handler failed', async () => {
    const engine = outbox({ receiptLeaseMs: 50 });
    let calls = 0;
    const taken = new Promise<void>((resolve) => {
      engine.onEvent(async () => {
        calls += 1;
        if (calls === 1) throw new Error('store briefly unavailable');
        resolve();
      });
    });
    await engine.start();
    await engine.send(message('+15551230006', 'w1:e6'));
    await taken;
    await engine.stop();
    expect(calls).toBe(2);
    expect((await stored('w1:e6'))?.status).toBe('delivered');
  });

  it('keeps its own opt-out list from inbound keywords, as providers do', async () => {
    const engine = outbox();
    const inbound: SmsEvent[] = [];
    engine.onEvent(async (event) => {
      if (event.kind === 'inbound') inbound.push(event);
    });
    await engine.send(message('+15551230007', 'w1:e7'));

    const stop = await engine.simulateInbound('+15551230007', ' Stop ');
    expect(stop).toEqual({
      kind: 'inbound',
      from: '+15551230007',
      to: '+15550001000',
      body: ' Stop ',
      providerMessageId: expect.stringMatching(/^IB/),
      at: expect.any(Date),
    });
    expect(inbound).toEqual([stop]);
    expect(await engine.send(message('+15551230007', 'w1:e7'))).toMatchObject({ duplicate: true });
    const refused = await engine.send(message('+15551230007', 'w2:e7')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SmsSendError);
    expect(refused).toMatchObject({ code: '21610', optedOut: true, permanent: true, mayHaveSent: false });

    await engine.simulateInbound('+15551230007', 'START', '+15550001000');
    expect(await engine.send(message('+15551230007', 'w3:e7'))).toMatchObject({ status: 'SENT' });
  });

  it("refuses Twilio's magic numbers and bodies no provider takes", async () => {
    const engine = outbox();
    await expect(engine.send(message('+15005550001', 'k1'))).rejects.toMatchObject({
      code: '21211',
      reason: 'INVALID_RECIPIENT',
      permanent: true,
      optedOut: false,
    });
    await expect(engine.send(message('+15005550004', 'k2'))).rejects.toMatchObject({ code: '21610', optedOut: true });
    await expect(engine.send(message('+15551230008', 'k3', 'x'.repeat(1601)))).rejects.toMatchObject({
      reason: 'REJECTED',
      permanent: true,
      message: '1601 characters: at most 1,600',
    });
    expect(await store.db.collection('smsOutbox').countDocuments({})).toBe(0);
  });

  it('finds the texts sent to a number since a time, newest first', async () => {
    let now = new Date('2025-03-01T10:00:00Z');
    const engine = outbox({ clock: () => now, receiptDelayMs: 60_000 });
    await engine.send(message('+15551230009', 'old'));
    now = new Date('2025-03-01T11:00:00Z');
    await engine.send(message('+15551230009', 'w1:e9'));
    now = new Date('2025-03-01T11:05:00Z');
    await engine.send(message('+15551230009', 'w2:e9'));
    await engine.send(message('+15551230010', 'other'));

    const found = await engine.findSentSince('+15551230009', new Date('2025-03-01T10:30:00Z'));
    expect(found.map((record) => record.idempotencyKey)).toEqual(['w2:e9', 'w1:e9']);
    expect(found[0]).toMatchObject({ to: '+15551230009', from: '+15550001000', status: 'sent' });
  });

  it('takes no webhooks', async () => {
    const port: SmsPort = outbox();
    const refused = await port.handleWebhook('status', 'https://example.com', {}, 'x').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('NOT_FOUND');
  });
});
