import { text } from 'node:stream/consumers';
import type { App } from '../../src/app';
import type { OutboxSms } from '../../src/datasources/sms';
import { fansFeature } from '../../src/features/fans';
import { graphql, type GraphQLResponse } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { clickRow } from '../clicks/support/harness';

export const JANE = { email: 'jane@example.com', phone: '+12125550199' };
export const BOB = { email: 'bob@example.com', phone: '+12125550142' };
export const SENDER = '+15555550100';

export interface PrivacyServer {
  server: TestServer;
  app: App;
  admin: string;
  operator: string;
  call<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>>;
  /** A call that throws on errors; as the admin unless told. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<T>;
  /** A multipart upload of `content` as the variable `fileVariable`, as the operator. */
  upload(query: string, variables: Record<string, unknown>, content: string | Buffer, filename: string): Promise<any>;
  waitForJob(id: string): Promise<any>;
  stop(): Promise<void>;
}

export async function startPrivacyServer(env: Record<string, string> = {}): Promise<PrivacyServer> {
  const server = await startTestServer({
    FAN_FILES_POLL_SECONDS: '0',
    WAVE_QUIET_HOURS: 'off',
    JOB_POLL_WAIT_SECONDS: '1',
    QUEUE_POLL_INTERVAL_MS: '20',
    SMS_OUTBOX_RECEIPT_DELAY_MS: '20',
    PRIVACY_HASH_SECRET: 'test-privacy-hash-secret-0123456789abcdef',
    ...env,
  });
  const admin = await server.createApiKey('admin', 'privacy admin');
  const operator = await server.createApiKey('operator', 'privacy operator');
  const call = (query: string, variables: Record<string, unknown> = {}, key = admin) =>
    graphql<any>(server.url, query, variables, { key });
  const gql = async (query: string, variables: Record<string, unknown> = {}, key = admin) => {
    const response = await call(query, variables, key);
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data;
  };
  return {
    server,
    app: server.app,
    admin,
    operator,
    call,
    gql,
    async upload(query, variables, content, filename) {
      const form = new FormData();
      form.append('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
      form.append('map', JSON.stringify({ 0: ['variables.file'] }));
      form.append('0', new Blob([content]), filename);
      const response = await fetch(server.url, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${operator}`, 'apollo-require-preflight': 'true' },
      });
      const body = (await response.json()) as { data?: any; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
    async waitForJob(id) {
      for (let i = 0; i < 1200; i++) {
        const job = await server.app.jobs.get(id);
        if (job && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) return job;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`job ${id} did not finish`);
    },
    stop: () => server.stop(),
  };
}

/** Polls `check` until it answers something truthy. */
export async function waitFor<T>(check: () => Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const csv = (...lines: string[]) => `${lines.join('\n')}\n`;

/** An OPEN fan campaign (GraphQL), Jane and Bob registered through registerFan, the lake flushed. */
export async function seedFans(s: PrivacyServer): Promise<string> {
  const created = await s.gql(
    `mutation($input: FanCampaignInput!) { createFanCampaign(input: $input) { id } }`,
    {
      input: {
        name: 'Privacy tour',
        artist: 'The Testers',
        scoringType: 'LINEAR',
        markets: [{ id: 'nyc', name: 'MSG', city: 'New York', country: 'US', timeZone: 'America/New_York' }],
      },
    },
    s.operator,
  );
  const campaignId = created.createFanCampaign.id as string;
  await s.gql(`mutation($id: ID!) { openFanCampaign(id: $id) { id } }`, { id: campaignId }, s.operator);
  for (const [userId, fan, firstName] of [
    ['u-jane', JANE, 'Jane'],
    ['u-bob', BOB, 'Bob'],
  ] as const) {
    await s.gql(
      `mutation($input: RegisterFanInput!) { registerFan(input: $input) { id } }`,
      {
        input: {
          campaignId,
          userId,
          email: fan.email,
          phone: fan.phone,
          firstName,
          marketPreferences: ['nyc'],
          smsConsentSource: 'form',
        },
      },
      s.operator,
    );
  }
  const scored = await s.upload(
    `mutation($file: Upload!, $campaignId: ID) { uploadScoredFile(file: $file, campaignId: $campaignId) { id } }`,
    { campaignId },
    csv(
      'campaignId\tuserId\temail\tphone\tscore',
      `${campaignId}\tu-jane\t${JANE.email}\t+1 (212) 555-0199\t0.9`,
      `${campaignId}\tu-bob\t${BOB.email}\t\t0.4`,
    ),
    'registrants.txt',
  );
  const job = await s.waitForJob(scored.uploadScoredFile.id);
  if (job.status !== 'SUCCEEDED') throw new Error(`scored-file: ${JSON.stringify(job.error)}`);
  const lake = s.server.servicesOf(fansFeature).lake;
  await lake.flush('registration');
  await lake.flush('scoring');
  return campaignId;
}

/** A wave to Jane and Bob uploaded and sent; Jane then texts STOP. Answers the wave id. */
export async function seedWave(s: PrivacyServer, campaignId: string): Promise<string> {
  const uploaded = await s.upload(
    `mutation($file: Upload!, $config: WaveConfigInput!) { uploadWave(file: $file, config: $config) { id } }`,
    {
      config: {
        campaignId,
        notifyDate: new Date(Date.now() + 3_600_000).toISOString(),
        messageTemplate: 'Hi {{firstName}}, presale soon',
        sender: SENDER,
        messageType: 'TRANSACTIONAL',
        brand: 'brand-a',
      },
    },
    csv(
      'userId,email,phone,firstName,market',
      `u-jane,${JANE.email},${JANE.phone},Jane,nyc`,
      `u-bob,${BOB.email},${BOB.phone},Bob,nyc`,
    ),
    'wave.csv',
  );
  const job = await s.waitForJob(uploaded.uploadWave.id);
  if (job.status !== 'SUCCEEDED') throw new Error(`wave-upload: ${JSON.stringify(job.error)}`);
  const waveId = (job.result as { waveId: string }).waveId;
  await s.gql(`mutation($id: ID!) { sendWaveNow(id: $id) { id } }`, { id: waveId }, s.operator);
  await waitFor(
    async () =>
      (await s.gql(`query($id: ID!) { wave(id: $id) { counts { delivered } } }`, { id: waveId })).wave.counts
        .delivered === 2,
    'the wave delivered',
  );
  await (s.app.ports.sms as OutboxSms).simulateInbound(JANE.phone, 'STOP', SENDER);
  return waveId;
}

/** An e-mail campaign to Jane and Bob, created and sent through GraphQL. Answers its id. */
export async function seedCampaign(s: PrivacyServer, name = 'Spring news'): Promise<string> {
  const op = (query: string, variables: Record<string, unknown>) => s.gql(query, variables, s.operator);
  const sender = await op(`mutation($input: SenderInput!) { createSender(input: $input) { id } }`, {
    input: { name: 'News desk', email: 'news@ours.example' },
  });
  const template = await op(`mutation($input: TemplateInput!) { createTemplate(input: $input) { id } }`, {
    input: { name: `${name} template`, type: 'minimalist', subject: 'Hi {{name}}', text: 'Hello {{name}}' },
  });
  const audience = await op(`mutation($input: AudienceInput!) { createAudience(input: $input) { id } }`, {
    input: { name: `${name} audience` },
  });
  const memberIds: string[] = [];
  for (const [fan, memberName] of [
    [JANE, 'Jane Doe'],
    [BOB, 'Bob Roe'],
  ] as const) {
    const existing = await s.gql(`{ members(first: 100) { edges { node { id email } } } }`);
    const found = existing.members.edges.find((edge: any) => edge.node.email === fan.email);
    memberIds.push(
      found
        ? found.node.id
        : (
            await op(`mutation($input: MemberInput!) { createMember(input: $input) { id } }`, {
              input: { email: fan.email, name: memberName },
            })
          ).createMember.id,
    );
  }
  await op(`mutation($a: ID!, $m: [ID!]!) { addAudienceMembers(audienceId: $a, memberIds: $m) }`, {
    a: audience.createAudience.id,
    m: memberIds,
  });
  const campaign = await op(`mutation($input: CampaignInput!) { createCampaign(input: $input) { id } }`, {
    input: {
      name,
      senderId: sender.createSender.id,
      templateId: template.createTemplate.id,
      audienceIds: [audience.createAudience.id],
    },
  });
  const id = campaign.createCampaign.id as string;
  const started = await op(`mutation($id: ID!) { sendCampaignNow(id: $id) { id } }`, { id });
  const job = await s.waitForJob(started.sendCampaignNow.id);
  if (job.status !== 'SUCCEEDED') throw new Error(`campaign-send: ${JSON.stringify(job.error)}`);
  return id;
}

/** Leads of Jane and Bob, uploaded. */
export async function seedLeads(s: PrivacyServer): Promise<void> {
  await s.upload(
    `mutation($file: Upload!) { uploadLeads(file: $file) { id accepted } }`,
    {},
    csv('email,name,phone,company', `${JANE.email},Jane Doe,${JANE.phone},Acme`, `${BOB.email},Bob Roe,,Initech`),
    'leads.csv',
  );
}

/** Click rows appended to business unit NA of the local Marketing Cloud and synced, until `events` click events exist. */
export async function syncClicks(s: PrivacyServer, rows: Record<string, unknown>[], events: number): Promise<void> {
  await s.app.ports.sfmc.appendRows!(
    'NA',
    rows.map((row) => clickRow(row)),
  );
  await s.gql('mutation { syncClicks(bu: "NA") { id } }', {}, s.operator);
  await waitFor(
    async () => {
      const status = await s.gql('{ clickSyncStatus { bu backlog running } }');
      return status.clickSyncStatus[0]?.backlog === 0 && status.clickSyncStatus[0].running === false;
    },
    'the click sync',
    8000,
  );
  await waitFor(
    async () => (await s.app.db.collection('email_click_events').countDocuments({})) === events,
    'the click events',
    8000,
  );
}

/** Click rows of Jane (keyed by her e-mail) and Bob, synced. */
export function seedClicks(s: PrivacyServer): Promise<void> {
  return syncClicks(
    s,
    [
      { EventID: 'c1', JobID: '100', SubscriberKey: JANE.email, URL: 'https://e.com/a' },
      { EventID: 'c2', JobID: '100', SubscriberKey: JANE.email, URL: 'https://e.com/a' },
      { EventID: 'c3', JobID: '100', SubscriberKey: BOB.email, URL: 'https://e.com/a' },
    ],
    2,
  );
}

/** The text of an object on the objects port, or null. */
export async function objectText(app: App, key: string): Promise<string | null> {
  const stored = await app.ports.objects.get(key);
  return stored ? text(stored.body) : null;
}
