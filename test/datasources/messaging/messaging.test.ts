import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  OutboxMessaging,
  SesMessaging,
  type OutboundMessage,
  type OutboxDocument,
} from '../../../src/datasources/messaging';
import type { Store } from '../../../src/datasources/store';
import { openTestStore } from '../../support/store';

const message: OutboundMessage = {
  channel: 'EMAIL',
  to: 'ann@example.com',
  subject: 'Hello',
  html: '<p>Hi</p>',
  text: 'Hi',
  metadata: { campaignId: 'c1', recipientId: 'c1:m1' },
};

describe('messaging port', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openTestStore();
    await store.db.collection('outbox').createIndex({ createdAt: -1 });
  });
  afterEach(() => store.close());

  it('outbox: a second send with the same key delivers nothing more', async () => {
    const outbox = new OutboxMessaging(store.db, 'noreply@example.com');
    expect(await outbox.send(message, { idempotencyKey: 'c1:m1' })).toEqual({
      id: 'c1:m1',
      status: 'SENT',
      duplicate: false,
    });
    expect(await outbox.send(message, { idempotencyKey: 'c1:m1' })).toEqual({
      id: 'c1:m1',
      status: 'SENT',
      duplicate: true,
    });
    const stored = await store.db.collection<OutboxDocument>('outbox').find({}).toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      to: 'ann@example.com',
      from: 'noreply@example.com',
      channel: 'EMAIL',
      status: 'SENT',
    });
  });

  it('outbox: keeps SMS like e-mail (channel-neutral)', async () => {
    const outbox = new OutboxMessaging(store.db);
    await outbox.send(
      { channel: 'SMS', to: '+15551234567', text: 'Code 1234', metadata: { waveId: 'w1' } },
      { idempotencyKey: 'w1:f1' },
    );
    expect(await store.db.collection('outbox').findOne({ _id: 'w1:f1' as never })).toMatchObject({
      channel: 'SMS',
      text: 'Code 1234',
    });
  });

  describe('SES v2', () => {
    const ses = mockClient(SESv2Client);
    beforeEach(() => ses.reset());

    it('sends once per key and records the provider id in the outbox ledger', async () => {
      ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
      const port = new SesMessaging(new SESv2Client({ region: 'us-east-1' }), store.db, 'noreply@example.com');
      expect(await port.send(message, { idempotencyKey: 'c1:m1' })).toMatchObject({
        status: 'SENT',
        providerMessageId: 'ses-1',
        duplicate: false,
      });
      expect(await port.send(message, { idempotencyKey: 'c1:m1' })).toMatchObject({
        status: 'SENT',
        providerMessageId: 'ses-1',
        duplicate: true,
      });
      const calls = ses.commandCalls(SendEmailCommand);
      expect(calls).toHaveLength(1);
      const input = calls[0].args[0].input;
      expect(input.FromEmailAddress).toBe('noreply@example.com');
      expect(input.Destination?.ToAddresses).toEqual(['ann@example.com']);
      expect(input.Content?.Simple?.Subject?.Data).toBe('Hello');
      expect(input.Content?.Simple?.Body?.Html?.Data).toBe('<p>Hi</p>');
      expect(input.EmailTags).toEqual([
        { Name: 'campaignId', Value: 'c1' },
        { Name: 'recipientId', Value: 'c1_m1' },
      ]);
    });

    it('never calls SES again for a key whose first call may have gone through (crash window)', async () => {
      ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });
      // the intent written by a process that died before marking its send
      await store.db
        .collection('outbox')
        .insertOne({ ...message, _id: 'c1:m2', engine: 'ses', status: 'SENDING', createdAt: new Date() } as never);
      const port = new SesMessaging(new SESv2Client({ region: 'us-east-1' }), store.db, 'noreply@example.com');
      expect(await port.send(message, { idempotencyKey: 'c1:m2' })).toEqual({
        id: 'c1:m2',
        status: 'UNCERTAIN',
        duplicate: true,
      });
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
      expect(await store.db.collection('outbox').findOne({ _id: 'c1:m2' as never })).toMatchObject({
        status: 'UNCERTAIN',
      });
    });

    it('refuses SMS and surfaces SES errors without marking the message sent', async () => {
      const port = new SesMessaging(new SESv2Client({ region: 'us-east-1' }), store.db, 'noreply@example.com');
      await expect(port.send({ ...message, channel: 'SMS' }, { idempotencyKey: 'x' })).rejects.toThrow(/e-mail only/);
      ses.on(SendEmailCommand).rejects(Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' }));
      await expect(port.send(message, { idempotencyKey: 'c1:m3' })).rejects.toThrow('throttled');
      expect(await store.db.collection('outbox').findOne({ _id: 'c1:m3' as never })).toMatchObject({
        status: 'SENDING',
      });
    });
  });
});
