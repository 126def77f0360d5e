import {
  ConflictException,
  InternalServerException,
  PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { mockClient } from 'aws-sdk-client-mock';
import type { QueuePort } from '../../../src/datasources/queue';
import {
  AwsSms,
  parseAwsSmsNotification,
  SmsEventFormatError,
  SmsSendError,
  type SmsEvent,
  type SmsMessage,
} from '../../../src/datasources/sms';
import { queueEngines } from '../queue/engines';

const message: SmsMessage = {
  to: '+14255550156',
  body: 'Presale code ABCD-EFGH-JKMN',
  sender: '+12065550152',
  messageType: 'PROMOTIONAL',
  validitySeconds: 7200,
  idempotencyKey: 'w1:e1',
  metadata: { waveId: 'w1' },
};

const $metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

/** A delivery event as End User Messaging SMS writes it (the documented example's fields). */
const deliveryEvent = (eventType: string, extra: Record<string, unknown> = {}) => ({
  eventType,
  eventVersion: '1.0',
  eventTimestamp: 1686975103470,
  isFinal: true,
  originationPhoneNumber: '+12065550152',
  destinationPhoneNumber: '+14255550156',
  isInternationalSend: false,
  mcc: '310',
  mnc: '800',
  messageId: '862a8790-60c0-4430-9b2b-658bdexample',
  messageRequestTimestamp: 1686975103170,
  messageEncoding: 'GSM',
  messageType: 'PROMOTIONAL',
  messageStatus: 'SUCCESSFUL',
  messageStatusDescription: 'Message has been accepted by phone carrier',
  context: { idempotencyKey: 'w1:e1' },
  totalMessageParts: 1,
  totalMessagePrice: 0.00581,
  totalCarrierFee: 0.0,
  ...extra,
});

/** The two-way SMS payload posted to the number's SNS topic. */
const inboundText = {
  originationNumber: '+14255550182',
  destinationNumber: '+12125550101',
  messageKeyword: 'JOIN',
  messageBody: 'STOP',
  inboundMessageId: 'cae173d2-66b9-564c-8309-21f858e9fb84',
  previousPublishedMessageId: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

/** How an SNS topic's SQS subscription delivers a message (raw message delivery off). */
const snsEnvelope = (payload: object) =>
  JSON.stringify({
    Type: 'Notification',
    MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
    TopicArn: 'arn:aws:sns:us-east-1:111122223333:sms-events',
    Message: JSON.stringify(payload),
    Timestamp: '2025-03-01T12:00:05.000Z',
    SignatureVersion: '1',
    Signature: 'EXAMPLE',
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-example.pem',
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
  });

const receivedAt = new Date('2025-03-01T12:00:06Z');

describe('SMS aws engine', () => {
  const sms = mockClient(PinpointSMSVoiceV2Client);
  const client = new PinpointSMSVoiceV2Client({ region: 'us-east-1', maxAttempts: 1 });
  beforeEach(() => sms.reset());

  describe('SendTextMessage', () => {
    const engine = () =>
      new AwsSms({ client, queue: {} as never, eventsQueue: 'sms-events', configurationSet: 'waves' });

    it('sends with origination identity, type, time to live, configuration set and the key in Context', async () => {
      sms.on(SendTextMessageCommand).resolves({ MessageId: 'msg-1' });
      expect(await engine().send(message)).toEqual({ providerMessageId: 'msg-1', status: 'QUEUED' });
      expect(sms.commandCalls(SendTextMessageCommand)[0]!.args[0].input).toEqual({
        DestinationPhoneNumber: '+14255550156',
        OriginationIdentity: '+12065550152',
        MessageBody: 'Presale code ABCD-EFGH-JKMN',
        MessageType: 'PROMOTIONAL',
        TimeToLive: 7200,
        ConfigurationSetName: 'waves',
        Context: { idempotencyKey: 'w1:e1' },
      });
    });

    const refusal = async (error: Error) => {
      sms.on(SendTextMessageCommand).rejects(error);
      const thrown = await engine()
        .send(message)
        .catch((caught: unknown) => caught);
      expect(thrown).toBeInstanceOf(SmsSendError);
      return thrown as SmsSendError;
    };

    it('maps an opted-out destination (ConflictException DESTINATION_PHONE_NUMBER_OPTED_OUT)', async () => {
      const error = await refusal(
        new ConflictException({
          message: 'opted out',
          Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
          ResourceType: 'opted-out-number',
          ...$metadata(409),
        }),
      );
      expect(error).toMatchObject({
        code: 'ConflictException:DESTINATION_PHONE_NUMBER_OPTED_OUT',
        reason: 'OPTED_OUT',
        optedOut: true,
        permanent: true,
        mayHaveSent: false,
        httpStatus: 409,
      });
    });

    it.each([
      [
        'ThrottlingException',
        new ThrottlingException({ message: 'slow down', ...$metadata(429) }),
        'THROTTLED',
        false,
        false,
      ],
      [
        'ValidationException',
        new ValidationException({ message: 'bad number', Reason: 'INVALID_PARAMETER', ...$metadata(400) }),
        'REJECTED',
        true,
        false,
      ],
      [
        'another ConflictException',
        new ConflictException({ message: 'x', Reason: 'OPT_OUT_LIST_MISMATCH', ...$metadata(409) }),
        'CONFIGURATION',
        false,
        false,
      ],
      [
        'InternalServerException',
        new InternalServerException({ message: 'oops', ...$metadata(500) }),
        'PROVIDER_ERROR',
        false,
        true,
      ],
      ['no answer', Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }), 'NETWORK', false, true],
    ])('maps %s', async (_name, thrown, reason, permanent, mayHaveSent) => {
      const error = await refusal(thrown);
      expect(error).toMatchObject({ reason, permanent, mayHaveSent, optedOut: false });
    });

    it('has no lookup of sent messages and takes no webhooks', async () => {
      expect(await engine().findSentSince()).toBeNull();
      await expect(engine().handleWebhook()).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    });
  });

  describe('events from the queue', () => {
    it.each([
      ['TEXT_DELIVERED', {}, { status: 'delivered' }],
      ['TEXT_SUCCESSFUL', { isFinal: true }, { status: 'delivered' }],
      ['TEXT_SUCCESSFUL', { isFinal: false }, { status: 'sent' }],
      ['TEXT_PENDING', { isFinal: false }, { status: 'sent' }],
      [
        'TEXT_BLOCKED',
        {},
        { status: 'undelivered', errorCode: 'TEXT_BLOCKED', reason: 'REJECTED', permanent: true, optedOut: false },
      ],
      [
        'TEXT_SPAM',
        {},
        { status: 'undelivered', errorCode: 'TEXT_SPAM', reason: 'REJECTED', permanent: true, optedOut: false },
      ],
      [
        'TEXT_TTL_EXPIRED',
        {},
        {
          status: 'undelivered',
          errorCode: 'TEXT_TTL_EXPIRED',
          reason: 'UNREACHABLE',
          permanent: false,
          optedOut: false,
        },
      ],
      [
        'TEXT_CARRIER_UNREACHABLE',
        {},
        {
          status: 'undelivered',
          errorCode: 'TEXT_CARRIER_UNREACHABLE',
          reason: 'UNREACHABLE',
          permanent: false,
          optedOut: false,
        },
      ],
      [
        'TEXT_INVALID',
        {},
        { status: 'failed', errorCode: 'TEXT_INVALID', reason: 'INVALID_RECIPIENT', permanent: true, optedOut: false },
      ],
      [
        'TEXT_SOMETHING_NEW',
        { isFinal: true },
        {
          status: 'undelivered',
          errorCode: 'TEXT_SOMETHING_NEW',
          reason: 'UNREACHABLE',
          permanent: false,
          optedOut: false,
        },
      ],
    ])('%s %j', (eventType, extra, expected) => {
      expect(parseAwsSmsNotification(snsEnvelope(deliveryEvent(eventType, extra)), receivedAt)).toEqual([
        {
          kind: 'status',
          providerMessageId: '862a8790-60c0-4430-9b2b-658bdexample',
          idempotencyKey: 'w1:e1',
          at: new Date(1686975103470),
          ...expected,
        },
      ]);
    });

    it('reads raw delivery, EventBridge and the two-way SMS payload; ignores what is not an SMS receipt', () => {
      expect(parseAwsSmsNotification(JSON.stringify(deliveryEvent('TEXT_DELIVERED')), receivedAt)).toMatchObject([
        { status: 'delivered' },
      ]);
      const eventBridge = {
        version: '0',
        id: '5c0fa4f8-e4ba-ed02-6101-c795472fccd0',
        'detail-type': 'Text Message Delivery Status Updated',
        source: 'aws.sms-voice',
        time: '2025-10-01T18:20:41Z',
        detail: deliveryEvent('TEXT_DELIVERED'),
      };
      expect(parseAwsSmsNotification(JSON.stringify(eventBridge), receivedAt)).toMatchObject([{ status: 'delivered' }]);
      expect(parseAwsSmsNotification(snsEnvelope(inboundText), receivedAt)).toEqual([
        {
          kind: 'inbound',
          from: '+14255550182',
          to: '+12125550101',
          body: 'STOP',
          providerMessageId: 'cae173d2-66b9-564c-8309-21f858e9fb84',
          at: new Date('2025-03-01T12:00:05.000Z'),
        },
      ]);
      expect(
        parseAwsSmsNotification(snsEnvelope(deliveryEvent('TEXT_QUEUED', { isFinal: false })), receivedAt),
      ).toEqual([]);
      expect(parseAwsSmsNotification(snsEnvelope(deliveryEvent('VOICE_COMPLETED')), receivedAt)).toEqual([]);
      expect(parseAwsSmsNotification(JSON.stringify({ Type: 'SubscriptionConfirmation' }), receivedAt)).toEqual([]);
    });

    it.each([
      ['not JSON', 'hello'],
      ['an array', '[1]'],
      ['an SNS notification without Message', JSON.stringify({ Type: 'Notification' })],
      ['an SNS Message that is not JSON', JSON.stringify({ Type: 'Notification', Message: '{' })],
      ['an event without messageId', snsEnvelope({ eventType: 'TEXT_DELIVERED' })],
      ['anything else', JSON.stringify({ hello: 'world' })],
    ])('refuses %s', (_name, body) => {
      expect(() => parseAwsSmsNotification(body, receivedAt)).toThrow(SmsEventFormatError);
    });

    describe.each(queueEngines)('through the $name queue', (queueEngine) => {
      let queue: QueuePort;
      let closeQueue: () => Promise<void>;
      let engine: AwsSms;
      beforeEach(async () => {
        ({ port: queue, close: closeQueue } = await queueEngine.open());
        engine = new AwsSms({
          client,
          queue,
          eventsQueue: 'sms-events',
          inboundQueue: 'sms-inbound',
          waitSeconds: 1,
          // short, so a message a handler refused comes back quickly
          visibilityTimeoutSeconds: 1,
          idleMs: 20,
        });
      });
      afterEach(async () => {
        await engine.stop();
        await closeQueue();
      });

      it('hands receipts and inbound texts to the handlers, deletes them, dead-letters what is no event', async () => {
        const events: SmsEvent[] = [];
        const arrived = new Promise<void>((resolve) => {
          engine.onEvent(async (event) => {
            events.push(event);
            if (events.length === 3) resolve();
          });
        });
        await engine.start();
        await queue.send('sms-events', { body: snsEnvelope(deliveryEvent('TEXT_SUCCESSFUL', { isFinal: false })) });
        await queue.send('sms-events', { body: 'not an event' });
        await queue.send('sms-events', { body: snsEnvelope(deliveryEvent('VOICE_COMPLETED')) });
        await queue.send('sms-events', { body: snsEnvelope(deliveryEvent('TEXT_BLOCKED')) });
        await queue.send('sms-inbound', { body: snsEnvelope(inboundText) });
        await arrived;
        await engine.stop();

        expect(events.filter((event) => event.kind === 'status').map((event) => event.status)).toEqual([
          'sent',
          'undelivered',
        ]);
        expect(events.filter((event) => event.kind === 'inbound')).toMatchObject([
          { from: '+14255550182', body: 'STOP' },
        ]);
        expect(await queue.stats('sms-events')).toMatchObject({ visible: 0, inFlight: 0, deadLettered: 1 });
        expect(await queue.stats('sms-inbound')).toMatchObject({ visible: 0, inFlight: 0 });
        expect((await queue.deadLetters('sms-events'))[0]!.body).toBe('not an event');
      });

      it('leaves an event a handler refused on the queue, to come again', async () => {
        let calls = 0;
        const taken = new Promise<void>((resolve) => {
          engine.onEvent(async () => {
            calls += 1;
            if (calls === 1) throw new Error('store briefly unavailable');
            resolve();
          });
        });
        await engine.start();
        await queue.send('sms-events', { body: snsEnvelope(deliveryEvent('TEXT_DELIVERED')) });
        await taken;
        await engine.stop();
        expect(calls).toBe(2);
        expect(await queue.stats('sms-events')).toMatchObject({ visible: 0, inFlight: 0, deadLettered: 0 });
      });
    });
  });
});
