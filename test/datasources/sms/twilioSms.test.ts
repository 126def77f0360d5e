import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import {
  SmsSendError,
  TwilioSms,
  twilioSignature,
  verifyTwilioSignature,
  type SmsEvent,
  type SmsMessage,
  type TwilioSmsOptions,
} from '../../../src/datasources/sms';
import { mountTwilioWebhookRoutes } from '../../../src/resolvers/sms/twilioWebhooks.routes';
import { FILTERED_NUMBER, startFakeTwilio, type FakeTwilio } from './fakeTwilio';

const message = (to: string, idempotencyKey: string, sender = '+15550001000'): SmsMessage => ({
  to,
  body: 'Your presale code: ABCD-EFGH-JKMN',
  sender,
  messageType: 'PROMOTIONAL',
  validitySeconds: 3600,
  idempotencyKey,
  metadata: { waveId: 'w1' },
});

const SERVICE_SID = 'MG0123456789abcdef0123456789abcdef';

describe("Twilio's request signature", () => {
  // Twilio's documented example (webhooks security page): its URL, form fields, auth token and signature
  const documented = {
    url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
    params: {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675310',
      Digits: '1234',
      From: '+14158675310',
      To: '+18005551212',
    },
    exampleToken: '12345',
    signature: 'GvWf1cFY/Q7PnoempGyD5oXAezc=',
  };

  it("matches Twilio's documented example", () => {
    expect(twilioSignature(documented.url, documented.params, documented.exampleToken)).toBe(documented.signature);
    expect(
      verifyTwilioSignature(documented.url, documented.params, documented.signature, documented.exampleToken),
    ).toBe(true);
  });

  it('accepts the URL with or without its default port, as proxies pass it', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    expect(verifyTwilioSignature(withPort, documented.params, documented.signature, documented.exampleToken)).toBe(
      true,
    );
    const signedWithPort = twilioSignature(withPort, documented.params, documented.exampleToken);
    expect(verifyTwilioSignature(documented.url, documented.params, signedWithPort, documented.exampleToken)).toBe(
      true,
    );
  });

  it.each([
    ['no signature', documented.url, documented.params, undefined, documented.exampleToken],
    ['an empty signature', documented.url, documented.params, '', documented.exampleToken],
    [
      'a changed field',
      documented.url,
      { ...documented.params, Digits: '1235' },
      documented.signature,
      documented.exampleToken,
    ],
    [
      'an added field',
      documented.url,
      { ...documented.params, Extra: 'x' },
      documented.signature,
      documented.exampleToken,
    ],
    [
      'another URL',
      'https://mycompany.com/myapp.php?foo=1',
      documented.params,
      documented.signature,
      documented.exampleToken,
    ],
    ['another token', documented.url, documented.params, documented.signature, '54321'],
    ['a signature of another length', documented.url, documented.params, 'AAAA', documented.exampleToken],
  ])('refuses %s', (_name, url, params, signature, token) => {
    expect(verifyTwilioSignature(url, params, signature, token)).toBe(false);
  });

  it('signs a repeated field with each of its values, sorted', () => {
    const token = 'token';
    const signature = twilioSignature('https://example.com/hook', { MediaUrl: ['b', 'a'], Body: 'x' }, token);
    expect(signature).toBe(twilioSignature('https://example.com/hook', { Body: 'x', MediaUrl: ['a', 'b'] }, token));
    expect(
      verifyTwilioSignature('https://example.com/hook', { MediaUrl: ['a', 'b'], Body: 'x' }, signature, token),
    ).toBe(true);
  });
});

describe('SMS twilio engine', () => {
  let twilio: FakeTwilio;
  const engine = (options: Partial<TwilioSmsOptions> = {}) =>
    new TwilioSms({
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      apiBaseUrl: twilio.url,
      publicBaseUrl: 'https://hub.example.com/',
      timeoutMs: 2000,
      ...options,
    });

  afterEach(() => twilio.close());

  describe('sending', () => {
    beforeEach(async () => {
      twilio = await startFakeTwilio();
    });

    it('creates the message with From, ValidityPeriod and a status callback that names the send', async () => {
      const sent = await engine().send(message('+15551230001', 'w1:e/1'));
      expect(sent).toEqual({ providerMessageId: twilio.messages[0]!.sid, status: 'QUEUED' });
      expect(twilio.messages[0]!.request).toEqual({
        To: '+15551230001',
        Body: 'Your presale code: ABCD-EFGH-JKMN',
        From: '+15550001000',
        ValidityPeriod: '3600',
        StatusCallback: 'https://hub.example.com/webhooks/sms/twilio/status?idempotencyKey=w1%3Ae%2F1',
      });
    });

    it('sends through a Messaging Service, with the validity capped at 10 hours', async () => {
      const sent = await engine().send({
        ...message('+15551230002', 'k'),
        sender: SERVICE_SID,
        validitySeconds: 86_400,
      });
      expect(sent.status).toBe('QUEUED');
      expect(twilio.messages[0]!.request).toMatchObject({ MessagingServiceSid: SERVICE_SID, ValidityPeriod: '36000' });
      expect(twilio.messages[0]!.request.From).toBeUndefined();
    });

    const refusal = async (to: string, port = engine()) => {
      const error = await port.send(message(to, 'k')).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SmsSendError);
      return error as SmsSendError;
    };

    it.each([
      [
        '429 with Retry-After',
        '+15550429000',
        {
          code: '20429',
          reason: 'THROTTLED',
          permanent: false,
          mayHaveSent: false,
          retryAfterMs: 3000,
          httpStatus: 429,
        },
      ],
      [
        '21610 opted out',
        '+15550021610',
        { code: '21610', reason: 'OPTED_OUT', permanent: true, optedOut: true, mayHaveSent: false },
      ],
      [
        '21211 invalid number',
        '+15550021211',
        { code: '21211', reason: 'INVALID_RECIPIENT', permanent: true, optedOut: false, mayHaveSent: false },
      ],
      ['a 500', '+15550500000', { code: '20500', reason: 'PROVIDER_ERROR', permanent: false, mayHaveSent: true }],
    ])('maps %s', async (_name, to, expected) => {
      expect(await refusal(to)).toMatchObject(expected);
      expect(twilio.messages).toHaveLength(0);
    });

    it('maps wrong credentials to a configuration error, not a recipient one', async () => {
      expect(await refusal('+15551230003', engine({ authToken: 'not-the-token' }))).toMatchObject({
        code: '20003',
        reason: 'CONFIGURATION',
        permanent: false,
        httpStatus: 401,
      });
    });

    it('counts a send with no answer as maybe sent', async () => {
      const silent: Server = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as AddressInfo;
      try {
        const error = await refusal('+15551230004', engine({ apiBaseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200 }));
        expect(error).toMatchObject({ code: 'NETWORK', reason: 'NETWORK', mayHaveSent: true, permanent: false });
      } finally {
        silent.closeAllConnections();
        silent.close();
      }
    });

    it('refuses a body no provider takes without calling Twilio', async () => {
      await expect(engine().send({ ...message('+15551230005', 'k'), body: 'x'.repeat(1601) })).rejects.toMatchObject({
        reason: 'REJECTED',
        mayHaveSent: false,
      });
      expect(twilio.messages).toHaveLength(0);
    });
  });

  describe('finding what was sent', () => {
    let now = new Date('2025-03-01T10:00:00Z');
    beforeEach(async () => {
      twilio = await startFakeTwilio({ pageSize: 2, clock: () => now });
    });

    it("lists a number's outbound messages created since a time, across pages, queued ones included", async () => {
      const port = engine();
      await port.send(message('+15551230010', 'old'));
      now = new Date('2025-03-01T11:00:00Z');
      const first = await port.send(message('+15551230010', 'w1:e10'));
      await port.send(message('+15551230011', 'someone else'));
      twilio.recordInbound('+15551230010');
      now = new Date('2025-03-01T11:05:00Z');
      const second = await port.send(message('+15551230010', 'w2:e10'));

      const found = await port.findSentSince('+15551230010', new Date('2025-03-01T10:30:00Z'));
      expect(found).toEqual([
        {
          providerMessageId: second.providerMessageId,
          to: '+15551230010',
          from: '+15550001000',
          body: 'Your presale code: ABCD-EFGH-JKMN',
          status: 'queued',
          createdAt: new Date('2025-03-01T11:05:00Z'),
        },
        expect.objectContaining({
          providerMessageId: first.providerMessageId,
          createdAt: new Date('2025-03-01T11:00:00Z'),
        }),
      ]);
    });
  });

  describe('webhooks', () => {
    let service: Server;
    let publicBaseUrl: string;
    let port: TwilioSms;
    let events: SmsEvent[];

    beforeEach(async () => {
      twilio = await startFakeTwilio({ callbacks: true });
      const http = express();
      const router = express.Router();
      service = createServer(http);
      await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
      publicBaseUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
      port = engine({ publicBaseUrl });
      mountTwilioWebhookRoutes(router, { sms: port, publicBaseUrl, logger: pino({ level: 'silent' }) });
      http.use(router);
      events = [];
      port.onEvent(async (event) => {
        events.push(event);
      });
    });
    afterEach(async () => {
      service.closeAllConnections();
      await new Promise((resolve) => service.close(resolve));
    });

    it('turns signed status callbacks into receipts that name their send', async () => {
      const delivered = await port.send(message('+15551230020', 'w1:e20'));
      const filtered = await port.send(message(FILTERED_NUMBER, 'w1:e21'));
      await twilio.callbacksDone();
      const receipts = (id: string) =>
        events.filter((event) => event.kind === 'status' && event.providerMessageId === id);
      expect(receipts(delivered.providerMessageId)).toEqual([
        {
          kind: 'status',
          providerMessageId: delivered.providerMessageId,
          status: 'sent',
          idempotencyKey: 'w1:e20',
          at: expect.any(Date),
        },
        {
          kind: 'status',
          providerMessageId: delivered.providerMessageId,
          status: 'delivered',
          idempotencyKey: 'w1:e20',
          at: expect.any(Date),
        },
      ]);
      expect(receipts(filtered.providerMessageId)[1]).toMatchObject({
        status: 'undelivered',
        errorCode: '30007',
        reason: 'REJECTED',
        permanent: true,
        optedOut: false,
        idempotencyKey: 'w1:e21',
      });
    });

    it('maps an opted-out failure in a callback (21610)', async () => {
      await port.send(message('+15551230022', 'w1:e22'));
      await twilio.callbacksDone();
      events.length = 0;
      const response = await twilio.statusCallback(twilio.messages[0]!, 'failed', 21610);
      expect(response.status).toBe(204);
      expect(events).toEqual([
        expect.objectContaining({ status: 'failed', errorCode: '21610', optedOut: true, permanent: true }),
      ]);
    });

    it('answers an inbound text with empty TwiML and hands it on', async () => {
      const response = await twilio.inbound(`${publicBaseUrl}/webhooks/sms/twilio/inbound`, {
        From: '+15551230023',
        To: '+15550001000',
        Body: 'STOP',
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/xml/);
      expect(await response.text()).toContain('<Response></Response>');
      expect(events).toEqual([
        {
          kind: 'inbound',
          from: '+15551230023',
          to: '+15550001000',
          body: 'STOP',
          providerMessageId: expect.stringMatching(/^SM/),
          at: expect.any(Date),
        },
      ]);
    });

    it('refuses unsigned and wrongly signed requests with 403 and hands nothing on', async () => {
      const url = `${publicBaseUrl}/webhooks/sms/twilio/inbound`;
      const fields = {
        AccountSid: twilio.accountSid,
        MessageSid: 'SM1',
        From: '+15551230024',
        To: '+15550001000',
        Body: 'STOP',
      };
      const unsigned = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
      });
      expect(unsigned.status).toBe(403);
      expect(await unsigned.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'X-Twilio-Signature is missing' } });

      const otherToken = await twilio.inbound(
        url,
        { From: '+15551230024', To: '+15550001000', Body: 'STOP' },
        'another-token',
      );
      expect(otherToken.status).toBe(403);

      const tampered = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(url, fields, twilio.authToken),
        },
        body: new URLSearchParams({ ...fields, Body: 'START' }),
      });
      expect(tampered.status).toBe(403);
      expect(events).toEqual([]);
    });

    it('answers 500 when a handler failed, so that Twilio retries', async () => {
      port.onEvent(async () => {
        throw new Error('store briefly unavailable');
      });
      const response = await twilio.inbound(`${publicBaseUrl}/webhooks/sms/twilio/inbound`, {
        From: '+15551230025',
        To: '+15550001000',
        Body: 'hi',
      });
      expect(response.status).toBe(500);
    });
  });
});
