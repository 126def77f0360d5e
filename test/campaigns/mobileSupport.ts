import type { App } from '../../src/app';
import type { OutboxSms } from '../../src/datasources/sms';
import { campaignsFeature } from '../../src/features/campaigns';
import type { CampaignDoc, RecipientDoc } from '../../src/services/campaigns/model';
import { C } from '../../src/services/campaigns/model';
import { WAVE_MESSAGES, WAVES, type WaveDoc, type WaveMessageDoc } from '../../src/services/waves/model';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import { waitFor } from '../waves/sendSupport';
import { csv } from './fixture';

export { waitFor };

/** A real service for MOBILE campaigns: the outbox SMS engine with quick receipts. */
export interface MobileServer {
  server: TestServer;
  app: App;
  sms: OutboxSms;
  operator: string;
  /** The answer's data; throws with the errors when there are any. */
  ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** The first error's extensions (code, field); throws when there was none. */
  refused(query: string, variables?: Record<string, unknown>): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startMobileServer(env: Record<string, string> = {}): Promise<MobileServer> {
  const server = await startTestServer({
    FAN_FILES_POLL_SECONDS: '0',
    WAVE_QUIET_HOURS: 'off',
    JOB_POLL_WAIT_SECONDS: '1',
    SMS_OUTBOX_RECEIPT_DELAY_MS: '50',
    ...env,
  });
  const operator = await server.createApiKey('operator', 'mobile campaigns');
  const call = (query: string, variables: Record<string, unknown> = {}) =>
    graphql<any>(server.url, query, variables, { key: operator });
  return {
    server,
    app: server.app,
    sms: server.app.ports.sms as OutboxSms,
    operator,
    async ok(query, variables) {
      const answer = await call(query, variables);
      if (answer.errors) throw new Error(JSON.stringify(answer.errors));
      return answer.data;
    },
    async refused(query, variables) {
      const answer = await call(query, variables);
      if (!answer.errors) throw new Error(`not refused: ${JSON.stringify(answer.data)}`);
      return { message: answer.errors[0]!.message, ...answer.errors[0]!.extensions };
    },
    stop: () => server.stop(),
  };
}

/** Imports CSV lines (the header first) into a new audience through the service; answers the audience and import. */
export async function audienceOf(mobile: MobileServer, name: string, ...lines: string[]) {
  const { createAudience } = await mobile.ok('mutation($i: AudienceInput!) { createAudience(input: $i) { id } }', {
    i: { name },
  });
  const services = mobile.server.servicesOf(campaignsFeature);
  const imported = await services.audienceMembers.import({
    audienceId: createAudience.id,
    file: csv(...lines),
    filename: 'members.csv',
    mode: 'ADD',
    overwrite: false,
  });
  return { audienceId: createAudience.id as string, imported };
}

export interface MobileCampaignInput {
  audienceId: string;
  sms: Record<string, unknown>;
  text?: string;
  name?: string;
}

/** A sender, a template with an SMS text and a DRAFT MOBILE campaign of the audience; answers its id. */
export async function mobileCampaign(mobile: MobileServer, input: MobileCampaignInput): Promise<string> {
  const { createSender } = await mobile.ok('mutation($i: SenderInput!) { createSender(input: $i) { id } }', {
    i: { name: 'Texter', email: `texter-${Math.random().toString(36).slice(2)}@example.com` },
  });
  const { createTemplate } = await mobile.ok('mutation($i: TemplateInput!) { createTemplate(input: $i) { id } }', {
    i: {
      name: 'Sale text',
      type: 'sms',
      subject: '',
      sms: input.text ?? 'Hi {{name}}, {{city}} sale today. STOP to end',
    },
  });
  const { createCampaign } = await mobile.ok(
    'mutation($i: CampaignInput!) { createCampaign(input: $i) { id type status sms { sender brand messageType } } }',
    {
      i: {
        name: input.name ?? 'Texts',
        templateId: createTemplate.id,
        senderId: createSender.id,
        audienceIds: [input.audienceId],
        type: 'MOBILE',
        sms: input.sms,
      },
    },
  );
  return createCampaign.id;
}

export const sendNow = (mobile: MobileServer, id: string) =>
  mobile.ok('mutation($id: ID!) { sendCampaignNow(id: $id) { id } }', { id });

export const campaignOf = async (mobile: MobileServer, id: string) =>
  (await mobile.app.db.collection<CampaignDoc>(C.campaigns).findOne({ _id: id }))!;

export const waveOfCampaign = async (mobile: MobileServer, id: string) => {
  const campaign = await campaignOf(mobile, id);
  return campaign.smsWaveId ? mobile.app.db.collection<WaveDoc>(WAVES).findOne({ _id: campaign.smsWaveId }) : null;
};

/** Waits until the campaign is in `status`, and its wave's counts are written. */
export async function waitForCampaign(mobile: MobileServer, id: string, status: CampaignDoc['status']) {
  await waitFor(async () => (await campaignOf(mobile, id)).status === status, 20_000, `campaign ${id} ${status}`);
  // the wave's counts are gathered for 200 ms before they are written
  await new Promise((resolve) => setTimeout(resolve, 300));
  return campaignOf(mobile, id);
}

/** The campaign's recipients by member e-mail: [status, reason]. */
export async function recipientsOf(mobile: MobileServer, id: string): Promise<Record<string, [string, string | null]>> {
  const { campaignRecipients } = await mobile.ok(
    'query($id: ID!) { campaignRecipients(id: $id, first: 100) { edges { node { email status reason sentAt } } } }',
    { id },
  );
  return Object.fromEntries(
    campaignRecipients.edges.map(({ node }: { node: { email: string; status: string; reason: string | null } }) => [
      node.email,
      [node.status, node.reason],
    ]),
  );
}

export const messagesOfWave = (app: App, waveId: string) =>
  app.db
    .collection<WaveMessageDoc>(WAVE_MESSAGES)
    .find({ waveId }, { sort: { row: 1 } })
    .toArray();

export const recipientDocs = (app: App, campaignId: string) =>
  app.db.collection<RecipientDoc>(C.recipients).find({ campaignId }).toArray();
