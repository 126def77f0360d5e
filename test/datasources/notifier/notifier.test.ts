import { loadConfig } from '../../../src/config';
import {
  createNotifierPort,
  NotifierError,
  OutboxNotifier,
  SlackNotifier,
  type Notification,
  type NotificationDocument,
  type WebhookRetryPolicy,
} from '../../../src/datasources/notifier';
import type { Store } from '../../../src/datasources/store';
import { createLogger } from '../../../src/logger';
import { openTestStore } from '../../support/store';
import { FakeSlack, ok } from './fakeSlack';

const message: Notification = {
  text: '*Artist: Tour* registrations 10',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'registrations 10' } }],
  metadata: { kind: 'fan-stats', campaignId: 'c1' },
};

/** Short backoff so 5xx retries take milliseconds; Retry-After is Slack's own (whole seconds). */
const retry: WebhookRetryPolicy = { attempts: 3, baseDelayMs: 5, maxDelayMs: 2000, requestTimeoutMs: 5000 };

describe('notifier port', () => {
  let store: Store;
  let slack: FakeSlack;
  let logLines: string[];

  const logger = () => createLogger({ level: 'debug', destination: { write: (line: string) => logLines.push(line) } });
  const notifier = (policy = retry) =>
    new SlackNotifier({ webhookUrl: slack.url, db: store.db, logger: logger(), retry: policy });
  const stored = (id: string) => store.db.collection<NotificationDocument>('notifications').findOne({ _id: id });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: unknown) => error as NotifierError,
    );

  beforeEach(async () => {
    store = await openTestStore();
    slack = new FakeSlack();
    await slack.start();
    logLines = [];
  });
  afterEach(async () => {
    await slack.stop();
    await store.close();
  });

  it('outbox: the notification is the stored document', async () => {
    const { id } = await new OutboxNotifier(store.db).notify(message);
    expect(await stored(id)).toMatchObject({
      engine: 'outbox',
      status: 'SENT',
      text: message.text,
      blocks: message.blocks,
      metadata: message.metadata,
      attempts: 0,
      error: null,
    });
  });

  it('slack: posts {text, blocks} as JSON and records it SENT', async () => {
    const { id } = await notifier().notify(message);
    expect(slack.received).toEqual([
      {
        path: slack.path,
        contentType: expect.stringContaining('application/json'),
        body: { text: message.text, blocks: message.blocks },
      },
    ]);
    expect(await stored(id)).toMatchObject({ engine: 'slack', status: 'SENT', attempts: 1, error: null });
  });

  it('slack: a message without blocks sends text alone', async () => {
    await notifier().notify({ text: 'hello', metadata: {} });
    expect(slack.received[0]!.body).toEqual({ text: 'hello' });
  });

  it('slack: 429 waits what Retry-After says, then delivers', async () => {
    slack.script({ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } }, ok);
    const { id } = await notifier().notify(message);
    expect(slack.received).toHaveLength(2);
    expect(await stored(id)).toMatchObject({ status: 'SENT', attempts: 2 });
    const retried = logLines.map((line) => JSON.parse(line)).find((entry) => entry.msg?.includes('retried'));
    expect(retried).toMatchObject({ status: 429, attempt: 1, delayMs: 1000 });
  });

  it('slack: 5xx is retried with backoff', async () => {
    slack.script({ status: 500, body: 'internal_error' }, { status: 503, body: 'service_unavailable' }, ok);
    const { id } = await notifier().notify(message);
    expect(slack.received).toHaveLength(3);
    expect(await stored(id)).toMatchObject({ status: 'SENT', attempts: 3 });
  });

  it('slack: 5xx past the attempts fails, not permanently, and says so in the record', async () => {
    slack.script(...Array.from({ length: 3 }, () => ({ status: 500, body: 'internal_error' })));
    const error = await refusal(notifier().notify(message));
    expect(error).toBeInstanceOf(NotifierError);
    expect(error).toMatchObject({ permanent: false, status: 500 });
    expect(error!.message).toContain('internal_error');
    expect(slack.received).toHaveLength(3);
    const [doc] = await store.db.collection<NotificationDocument>('notifications').find({}).toArray();
    expect(doc).toMatchObject({ status: 'FAILED', attempts: 3, error: expect.stringContaining('HTTP 500') });
  });

  it.each(['invalid_payload', 'no_text', 'channel_is_archived'])(
    'slack: 400 %s is permanent: thrown at once with Slack’s answer',
    async (answer) => {
      slack.script({ status: 400, body: answer });
      const error = await refusal(notifier().notify(message));
      expect(error).toMatchObject({ permanent: true, status: 400 });
      expect(error!.message).toContain(answer);
      expect(slack.received).toHaveLength(1);
      const [doc] = await store.db.collection<NotificationDocument>('notifications').find({}).toArray();
      expect(doc).toMatchObject({ status: 'FAILED', attempts: 1, error: expect.stringContaining(answer) });
    },
  );

  it('slack: 403 is permanent too', async () => {
    slack.script({ status: 403, body: 'action_prohibited' });
    expect(await refusal(notifier().notify(message))).toMatchObject({ permanent: true, status: 403 });
  });

  it('slack: a Retry-After longer than the longest wait fails now, for the job to retry later', async () => {
    slack.script({ status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } });
    const error = await refusal(notifier().notify(message));
    expect(error).toMatchObject({ permanent: false, status: 429 });
    expect(slack.received).toHaveLength(1);
  });

  it('slack: network errors are retried and never quote the webhook URL', async () => {
    const url = slack.url;
    await slack.stop();
    const error = await refusal(
      new SlackNotifier({ webhookUrl: url, db: store.db, logger: logger(), retry }).notify(message),
    );
    expect(error).toMatchObject({ permanent: false });
    expect(error!.message).toContain('after 3 attempts');
    const secretPart = slack.path.split('/').at(-1)!;
    expect(error!.message).not.toContain(secretPart);
    expect(logLines.join('\n')).not.toContain(secretPart);
    expect(logLines.filter((line) => line.includes('retried'))).toHaveLength(2);
  });

  it('slack: the webhook URL reaches neither the record nor the logs', async () => {
    slack.script({ status: 500, body: 'x' }, { status: 400, body: 'invalid_payload' });
    await refusal(notifier().notify(message));
    const secretPart = slack.path.split('/').at(-1)!;
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(secretPart);
    const docs = await store.db.collection('notifications').find({}).toArray();
    expect(JSON.stringify(docs)).not.toContain(secretPart);
  });

  it('the factory picks Slack when SLACK_WEBHOOK_URL is set, else the outbox', () => {
    const silent = createLogger({ level: 'silent' });
    expect(createNotifierPort(loadConfig({ NODE_ENV: 'test' }), store.db, silent).engine).toBe('outbox');
    const withSlack = loadConfig({ NODE_ENV: 'test', SLACK_WEBHOOK_URL: slack.url, SLACK_RETRY_ATTEMPTS: '2' });
    expect(createNotifierPort(withSlack, store.db, silent).engine).toBe('slack');
  });
});
