import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { WAVE_MESSAGES, WAVES, type WaveDoc, type WaveMessageDoc } from '../../src/services/waves/model';
import { enqueueSend, messagesOf, startSendServer, storeWave, waitFor, waveOf, type SendServer } from './sendSupport';

const MESSAGES = `query($waveId: ID!, $status: WaveMessageStatus, $first: Int, $after: String) {
  waveMessages(waveId: $waveId, status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id row status phone email text segments attempts providerMessageId reason sentAt } }
  }
}`;

const RESOLVE = `mutation($waveId: ID!, $decision: UncertainDecision!) {
  resolveUncertainMessages(waveId: $waveId, decision: $decision) { waveId decision messages }
}`;

describe('the sending through GraphQL', () => {
  let send: SendServer;
  beforeAll(async () => {
    send = await startSendServer({ SMS_OUTBOX_RECEIPT_DELAY_MS: '20' });
  });
  afterAll(() => send.stop());

  const finished = async (waveId: string) => {
    await waitFor(async () => (await waveOf(send.app.db, waveId)).status === 'SENT');
  };

  it("pages a wave's messages in row order, by status, contacts masked unless OPERATOR", async () => {
    const wave = await storeWave(send.app.db, { recipients: 5 });
    await enqueueSend(send.app, wave._id);
    await finished(wave._id);
    await waitFor(async () => (await waveOf(send.app.db, wave._id)).counts.delivered === 5);
    const first = await send.call(MESSAGES, { waveId: wave._id, first: 3 }, send.viewer);
    expect(first.errors).toBeUndefined();
    const page = first.data.waveMessages;
    expect(page.totalCount).toBe(5);
    expect(page.edges.map((edge: any) => edge.node.row)).toEqual([1, 2, 3]);
    expect(page.edges[0].node).toMatchObject({ status: 'DELIVERED', phone: '+1******0001', email: 'f***@example.com' });
    const rest = await send.call(MESSAGES, { waveId: wave._id, after: page.pageInfo.endCursor }, send.operator);
    expect(rest.data.waveMessages.edges.map((edge: any) => edge.node.row)).toEqual([4, 5]);
    expect(rest.data.waveMessages.edges[0].node.phone).toBe('+15552000004');
    const none = await send.call(MESSAGES, { waveId: wave._id, status: 'PENDING' }, send.viewer);
    expect(none.data.waveMessages.totalCount).toBe(0);
    const unknown = await send.call(MESSAGES, { waveId: 'no-such-wave' }, send.viewer);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('lists the opt-out list newest first, of one brand when asked', async () => {
    await send.sending.optOuts.add('brand-z', '+15559990001', 'keyword:STOP', new Date(Date.now() - 1000));
    await send.sending.optOuts.add('brand-z', '+15559990002', 'provider:21610');
    await send.sending.optOuts.add('*', '+15559990003', 'keyword:STOP');
    const query = `query($brand: String) { optOuts(brand: $brand, first: 10) {
      totalCount edges { node { id brand phone source at } } } }`;
    const brand = await send.call(query, { brand: 'brand-z' }, send.viewer);
    expect(brand.data.optOuts.edges.map((edge: any) => edge.node.id)).toEqual([
      'brand-z:+15559990002',
      'brand-z:+15559990001',
    ]);
    expect(brand.data.optOuts.edges[0].node.phone).toBe('+1******0002');
    const all = await send.call(query, {}, send.operator);
    expect(all.data.optOuts.totalCount).toBeGreaterThanOrEqual(3);
    expect(all.data.optOuts.edges[0].node).toMatchObject({ brand: '*', phone: '+15559990003' });
  });

  it('resolves UNCERTAIN messages by an operator decision: SEND_AGAIN reopens a SENT wave, MARK_SENT counts them', async () => {
    const wave = await storeWave(send.app.db, { recipients: 4 });
    await enqueueSend(send.app, wave._id);
    await finished(wave._id);
    // every receipt in first: a receipt would settle an UNCERTAIN message on its own
    await waitFor(async () => (await waveOf(send.app.db, wave._id)).counts.delivered === 4);
    const messages = send.app.db.collection<WaveMessageDoc>(WAVE_MESSAGES);
    // as the aws engine leaves them: sent or not, nobody can tell
    const uncertain = { status: 'UNCERTAIN' as const, sentAt: null, providerMessageId: null, reason: 'NETWORK' };
    await messages.updateMany(
      { _id: { $in: [`${wave._id}:1`, `${wave._id}:2`, `${wave._id}:3`] } },
      { $set: uncertain },
    );
    await send.app.db
      .collection<WaveDoc>(WAVES)
      .updateOne({ _id: wave._id }, { $inc: { 'counts.uncertain': 3, 'counts.ok': -3, 'counts.sms': -3 } });

    expect(
      (await send.call(RESOLVE, { waveId: wave._id, decision: 'MARK_SENT' }, send.viewer)).errors?.[0]?.extensions
        ?.code,
    ).toBe('FORBIDDEN');
    await messages.updateOne({ _id: `${wave._id}:3` }, { $set: { segments: 2 } });
    const marked = await send.call(RESOLVE, { waveId: wave._id, decision: 'MARK_SENT' });
    expect(marked.data.resolveUncertainMessages).toEqual({ waveId: wave._id, decision: 'MARK_SENT', messages: 3 });
    const afterMark = await waveOf(send.app.db, wave._id);
    expect(afterMark.counts).toMatchObject({ uncertain: 0, sms: 4 });
    expect(
      (await messagesOf(send.app.db, wave._id)).filter((message) => message.reason === 'MARKED_SENT'),
    ).toHaveLength(3);

    await messages.updateOne({ _id: `${wave._id}:4` }, { $set: { ...uncertain, status: 'UNCERTAIN' } });
    const again = await send.call(RESOLVE, { waveId: wave._id, decision: 'SEND_AGAIN' });
    expect(again.data.resolveUncertainMessages.messages).toBe(1);
    // the outbox knows the key: it answers the first send's id, and no second text exists
    const [, , , fourth] = await waitFor(async () => {
      const all = await messagesOf(send.app.db, wave._id);
      return all[3]!.status === 'SENT' ? all : null;
    });
    expect(fourth!.providerMessageId).toMatch(/^OB/);
    expect(await send.app.db.collection<{ _id: string }>('smsOutbox').countDocuments({ _id: `${wave._id}:4` })).toBe(1);
    await finished(wave._id);
    // a repeated decision finds nothing left to move
    expect(
      (await send.call(RESOLVE, { waveId: wave._id, decision: 'SEND_AGAIN' })).data.resolveUncertainMessages.messages,
    ).toBe(0);
  });

  it('refuses a decision on an unknown wave, and SEND_AGAIN on a cancelled one', async () => {
    const unknown = await send.call(RESOLVE, { waveId: 'no-such-wave', decision: 'SEND_AGAIN' });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const wave = await storeWave(send.app.db, { recipients: 1, status: 'CANCELLED' });
    const refused = await send.call(RESOLVE, { waveId: wave._id, decision: 'SEND_AGAIN' });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'WAVE_STATE' });
  });

  it('pushes waveUpdated: the wave now, then as it is sent', async () => {
    const wave = await storeWave(send.app.db, { recipients: 10, config: { segmentsPerSecond: 10 } });
    const client = createClient({
      url: send.server.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${send.viewer}` },
    });
    const seen: { status: string; sms: number }[] = [];
    const unsubscribe = client.subscribe<{ waveUpdated: { status: string; counts: { sms: number } } }>(
      {
        query: `subscription($id: ID!) { waveUpdated(id: $id) { status counts { sms } } }`,
        variables: { id: wave._id },
      },
      {
        next: ({ data }) => seen.push({ status: data!.waveUpdated.status, sms: data!.waveUpdated.counts.sms }),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    try {
      await waitFor(async () => seen.length > 0);
      expect(seen[0]).toEqual({ status: 'SENDING', sms: 0 });
      await enqueueSend(send.app, wave._id);
      await waitFor(async () => seen.some((update) => update.status === 'SENT' && update.sms === 10), 20_000);
      // counts only grow from one update to the next
      for (let i = 1; i < seen.length; i += 1) expect(seen[i]!.sms).toBeGreaterThanOrEqual(seen[i - 1]!.sms);
    } finally {
      unsubscribe();
      await client.dispose();
    }
  });

  it('counts texts at /metrics', async () => {
    const metrics = await (await fetch(new URL('/metrics', send.server.url))).text();
    expect(metrics).toMatch(/^wave_sms_sent_total \d+/m);
    expect(Number(/^wave_sms_sent_total (\d+)/m.exec(metrics)![1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/^wave_sms_delivered_total \d+/m);
    expect(metrics).toMatch(/^wave_sms_failed_total \d+/m);
    expect(metrics).toMatch(/^wave_sms_opted_out_total \d+/m);
  });
});
