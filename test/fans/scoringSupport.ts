import { text } from 'node:stream/consumers';
import type { App } from '../../src/app';
import { fansFeature } from '../../src/features/fans';
import {
  FAN_CAMPAIGNS,
  FAN_ENTRIES,
  entryId,
  type FanCampaignDoc,
  type FanEntryDoc,
  type ScoringType,
} from '../../src/services/fans/model';
import type { FanServices } from '../../src/services/fans/services';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

export interface ScoringServer {
  server: TestServer;
  services: FanServices;
  operator: string;
  viewer: string;
  /** A GraphQL call that throws on errors. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<T>;
  /** A GraphQL multipart upload of `content` as variable `$file`; answers the whole response. */
  upload(query: string, variables: Record<string, unknown>, content: string | Buffer, filename: string): Promise<any>;
  /** Polls the job until it finishes. */
  waitForJob(id: string): Promise<any>;
  stop(): Promise<void>;
}

/** A test server with the fans feature, an operator and a viewer key, and the helpers scoring tests share. */
export async function startScoringServer(env: Record<string, string> = {}): Promise<ScoringServer> {
  const server = await startTestServer({ FAN_FILES_POLL_SECONDS: '0', ...env });
  const operator = await server.createApiKey('operator', 'scoring operator');
  const viewer = await server.createApiKey('viewer', 'scoring viewer');
  const gql = async (query: string, variables: Record<string, unknown> = {}, key = operator) => {
    const response = await graphql<any>(server.url, query, variables, { key });
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data;
  };
  return {
    server,
    services: server.servicesOf(fansFeature),
    operator,
    viewer,
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
      return response.json();
    },
    async waitForJob(id) {
      for (let i = 0; i < 600; i++) {
        const { job } = await gql(
          `query($id: ID!) { job(id: $id) { id status stats result error { message code } } }`,
          {
            id,
          },
        );
        if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) return job;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`job ${id} did not finish`);
    },
    stop: () => server.stop(),
  };
}

/** A fan campaign stored as the campaigns service would keep it. */
export async function seedCampaign(
  app: App,
  id: string,
  options: { scoringType?: ScoringType; markets?: { id: string; country: string }[] } = {},
): Promise<FanCampaignDoc> {
  const now = new Date();
  const doc: FanCampaignDoc = {
    _id: id,
    name: `Campaign ${id}`,
    artist: 'The Testers',
    status: 'OPEN',
    scoringType: options.scoringType ?? 'LINEAR',
    registrationOpensAt: null,
    registrationClosesAt: null,
    markets: (options.markets ?? [{ id: 'nyc', country: 'US' }]).map((market) => ({
      id: market.id,
      name: market.id.toUpperCase(),
      city: market.id,
      country: market.country,
      timeZone: 'UTC',
      registrationLimit: null,
      selectionLimit: null,
    })),
    createdAt: now,
    updatedAt: now,
  };
  await app.db.collection<FanCampaignDoc>(FAN_CAMPAIGNS).insertOne(doc);
  return doc;
}

/** Entries of registered fans: userId, e-mail and market given, the rest as a registration leaves it. */
export async function seedEntries(
  app: App,
  campaignId: string,
  fans: { userId: string; email: string; market?: string | null; phone?: string | null; verdict?: boolean | null }[],
): Promise<void> {
  const now = new Date();
  const docs: FanEntryDoc[] = fans.map((fan) => ({
    _id: entryId(campaignId, fan.userId),
    campaignId,
    userId: fan.userId,
    email: fan.email.toLowerCase(),
    phone: fan.phone ?? null,
    firstName: null,
    marketPreferences: fan.market ? [fan.market] : [],
    market: fan.market === undefined ? 'nyc' : fan.market,
    smsConsent: null,
    registeredAt: now,
    score: null,
    verdict: fan.verdict ?? null,
    verdictReason: null,
    code: fan.verdict ? 'CODE-1' : null,
    codeKind: fan.verdict ? 'NON_TM' : null,
    selectedEvents: [],
    updatedAt: now,
  }));
  if (docs.length > 0) await app.db.collection<FanEntryDoc>(FAN_ENTRIES).insertMany(docs);
}

export async function entryOf(app: App, campaignId: string, userId: string): Promise<FanEntryDoc | null> {
  return app.db.collection<FanEntryDoc>(FAN_ENTRIES).findOne({ _id: entryId(campaignId, userId) });
}

/** The object's text, or null when there is none. */
export async function readObject(app: App, key: string): Promise<string | null> {
  const stored = await app.ports.objects.get(key);
  return stored ? text(stored.body) : null;
}

/** A tab-separated scored file: the header, then one line per row. */
export function scoredFile(rows: string[][], header = ['campaignId', 'userId', 'email', 'phone', 'score']): string {
  return `${[header, ...rows].map((cells) => cells.join('\t')).join('\n')}\n`;
}
