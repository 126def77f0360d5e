import type { App } from '../../src/app';
import { fansFeature } from '../../src/features/fans';
import { wavesFeature } from '../../src/features/waves';
import { CodePoolCounts } from '../../src/services/fans/codes/poolCounts';
import {
  CODES,
  CODE_POOLS,
  entryId,
  FAN_CAMPAIGNS,
  FAN_ENTRIES,
  type CodeDoc,
  type CodePoolDoc,
  type FanCampaignDoc,
  type FanEntryDoc,
  type MarketDoc,
} from '../../src/services/fans/model';
import { WAVE_MESSAGES, WAVES, type WaveDoc, type WaveMessageDoc } from '../../src/services/waves/model';
import type { WaveServices } from '../../src/services/waves/services';
import { graphql, type GraphQLResponse } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';

export interface WaveServer {
  server: TestServer;
  app: App;
  services: WaveServices;
  operator: string;
  viewer: string;
  /** A GraphQL call answered whole (data and errors). */
  call<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>>;
  /** A GraphQL call that throws on errors. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<T>;
  /** A GraphQL multipart upload of `content` as the variable `fileVariable`; answers the whole response. */
  upload(
    query: string,
    variables: Record<string, unknown>,
    content: string | Buffer,
    filename: string,
    fileVariable?: string,
  ): Promise<GraphQLResponse<any>>;
  /** Polls the job until it finishes. */
  waitForJob(id: string): Promise<any>;
  stop(): Promise<void>;
}

/** A test server with operator and viewer keys and the calls wave tests share. */
export async function startWaveServer(env: Record<string, string> = {}): Promise<WaveServer> {
  const server = await startTestServer({ FAN_FILES_POLL_SECONDS: '0', ...env });
  const operator = await server.createApiKey('operator', 'waves operator');
  const viewer = await server.createApiKey('viewer', 'waves viewer');
  const call = (query: string, variables: Record<string, unknown> = {}, key = operator) =>
    graphql<any>(server.url, query, variables, { key });
  const gql = async (query: string, variables: Record<string, unknown> = {}, key = operator) => {
    const response = await call(query, variables, key);
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data;
  };
  return {
    server,
    app: server.app,
    services: server.servicesOf(wavesFeature),
    operator,
    viewer,
    call,
    gql,
    async upload(query, variables, content, filename, fileVariable = 'file') {
      const form = new FormData();
      form.append('operations', JSON.stringify({ query, variables: { ...variables, [fileVariable]: null } }));
      form.append('map', JSON.stringify({ 0: [`variables.${fileVariable}`] }));
      form.append('0', new Blob([content]), filename);
      const response = await fetch(server.url, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${operator}`, 'apollo-require-preflight': 'true' },
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async waitForJob(id) {
      for (let i = 0; i < 600; i++) {
        const job = await server.app.jobs.get(id);
        if (job && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) return job;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`job ${id} did not finish`);
    },
    stop: () => server.stop(),
  };
}

export const fanServices = (server: WaveServer) => server.server.servicesOf(fansFeature);

export const market = (id: string, country: string, selectionLimit: number | null = null): MarketDoc => ({
  id,
  name: `Arena ${id}`,
  city: id,
  country,
  timeZone: country === 'GB' ? 'Europe/London' : 'America/New_York',
  registrationLimit: null,
  selectionLimit,
});

/** An OPEN fan campaign with markets nyc (US) and lon (GB) unless given. */
export async function storeCampaign(app: App, id: string, markets = [market('nyc', 'US'), market('lon', 'GB')]) {
  const now = new Date();
  const doc: FanCampaignDoc = {
    _id: id,
    name: `Campaign ${id}`,
    artist: 'The Testers',
    status: 'OPEN',
    scoringType: 'LINEAR',
    registrationOpensAt: null,
    registrationClosesAt: null,
    markets,
    createdAt: now,
    updatedAt: now,
  };
  await app.db.collection<FanCampaignDoc>(FAN_CAMPAIGNS).insertOne(doc);
  return doc;
}

export interface FanSeed {
  userId: string;
  phone?: string | null;
  firstName?: string | null;
  markets?: string[];
  consent?: boolean;
  score?: number | null;
  verdict?: boolean | null;
  code?: string | null;
}

/** Registered fans of the campaign, as the registration and scoring pipelines leave them. */
export async function storeFans(app: App, campaignId: string, fans: FanSeed[]): Promise<void> {
  const now = new Date();
  const docs: FanEntryDoc[] = fans.map((fan, index) => ({
    _id: entryId(campaignId, fan.userId),
    campaignId,
    userId: fan.userId,
    email: `${fan.userId}@example.com`,
    phone: fan.phone ?? null,
    firstName: fan.firstName ?? null,
    marketPreferences: fan.markets ?? ['nyc'],
    market: (fan.markets ?? ['nyc'])[0] ?? null,
    smsConsent: fan.consent ? { source: 'registration form', at: now } : null,
    registeredAt: new Date(now.getTime() + index),
    score: fan.score ?? null,
    verdict: fan.verdict ?? null,
    verdictReason: null,
    code: fan.code ?? null,
    codeKind: fan.code ? 'NON_TM' : null,
    selectedEvents: fan.code ? ((fan.markets ?? ['nyc']).slice(0, 1) as string[]) : [],
    updatedAt: now,
  }));
  await app.db.collection<FanEntryDoc>(FAN_ENTRIES).insertMany(docs);
}

/** A NON_TM pool of AVAILABLE codes, counted as `stats rebuild` does. */
export async function storePool(app: App, campaignId: string, name: string, codes: string[]): Promise<void> {
  const now = new Date();
  const poolId = `${campaignId}:${name}`;
  await app.db
    .collection<CodePoolDoc>(CODE_POOLS)
    .insertOne({ _id: poolId, campaignId, kind: 'NON_TM', name, createdAt: now, createdBy: 'test' });
  await app.db.collection<CodeDoc>(CODES).insertMany(
    codes.map((code) => ({
      _id: code,
      campaignId,
      poolId,
      kind: 'NON_TM' as const,
      state: 'AVAILABLE' as const,
      waveId: null,
      entryId: null,
      userId: null,
      reservedAt: null,
      assignedAt: null,
      createdAt: now,
    })),
  );
  await new CodePoolCounts(app.db).rebuild();
}

export const csv = (...lines: string[]) => `${lines.join('\n')}\n`;

/** A notifyDate the API takes: ahead, well within 35 days. */
export const soon = (minutes = 60) => new Date(Date.now() + minutes * 60_000).toISOString();

export const waveConfig = (campaignId: string, extra: Record<string, unknown> = {}) => ({
  campaignId,
  notifyDate: soon(),
  messageTemplate: 'Hi {{firstName}}, presale: {{link}}',
  sender: '+15555550100',
  messageType: 'TRANSACTIONAL',
  ...extra,
});

export const UPLOAD_WAVE = `mutation($file: Upload!, $config: WaveConfigInput!) {
  uploadWave(file: $file, config: $config) { id type status }
}`;

/** Uploads a wave file and waits for its job; answers the job (its result names the wave). */
export async function uploadWave(
  server: WaveServer,
  content: string,
  config: Record<string, unknown>,
  filename = 'wave.csv',
): Promise<any> {
  const response = await server.upload(UPLOAD_WAVE, { config }, content, filename);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return server.waitForJob(response.data.uploadWave.id);
}

export const waveDoc = (app: App, id: string) => app.db.collection<WaveDoc>(WAVES).findOne({ _id: id });
export const messagesOf = (app: App, waveId: string) =>
  app.db
    .collection<WaveMessageDoc>(WAVE_MESSAGES)
    .find({ waveId }, { sort: { row: 1 } })
    .toArray();
