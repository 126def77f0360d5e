import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fansFeature } from '../../src/features/fans';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import {
  codeDocs,
  finishedJob,
  JOB_FIELDS,
  storeCampaign,
  storePool,
  uploadMutation,
  type JobView,
} from './codesSupport';

const UPLOAD = `mutation($c: ID!, $p: String!, $file: Upload!) { uploadCodes(campaignId: $c, poolName: $p, file: $file) { ${JOB_FIELDS} } }`;
const POOLS = `query($c: ID!) { codePools(campaignId: $c) {
  totalCount edges { node { id name kind createdBy available reserved assigned } } } }`;

/** uploadCodes and codePools over HTTP, as an operator's client calls them. */
describe('code pools: uploads', () => {
  let server: TestServer;
  let operator: string;
  let viewer: string;

  beforeAll(async () => {
    server = await startTestServer({
      CODES_UPLOAD_MAX_BYTES: '2048',
      CODES_UPLOAD_MAX_ROWS: '40',
      JOB_POLL_WAIT_SECONDS: '1',
      QUEUE_POLL_INTERVAL_MS: '50',
    });
    operator = await server.createApiKey('operator', 'ops');
    viewer = await server.createApiKey('viewer', 'dashboard');
    await storeCampaign(server.app.db, 'tour');
    await storeCampaign(server.app.db, 'other');
    await storePool(server.app.db, 'other', 'presale', ['TAKEN0001']);
  });
  afterAll(() => server.stop());

  async function upload(campaignId: string, poolName: string, content: string, filename = 'codes.txt') {
    return uploadMutation<{ uploadCodes: JobView }>(
      server,
      operator,
      UPLOAD,
      { c: campaignId, p: poolName },
      { content, filename },
    );
  }

  async function uploaded(campaignId: string, poolName: string, content: string, filename = 'codes.txt') {
    const answer = await upload(campaignId, poolName, content, filename);
    if (!answer.data) throw new Error(JSON.stringify(answer.errors));
    return finishedJob(server, operator, answer.data.uploadCodes.id);
  }

  const pools = async (campaignId: string, key = viewer) =>
    graphql<{ codePools: { totalCount: number; edges: { node: Record<string, unknown> }[] } }>(
      server.url,
      POOLS,
      { c: campaignId },
      { key },
    );

  it('adds the good codes of a text file to the pool and lists every rejected line with its reason', async () => {
    const file = [
      'code',
      'ALPHA0001',
      ' ALPHA0002 ',
      '',
      'no spaces allowed',
      'ALPHA0001',
      'TAKEN0001',
      'AB',
      'ALPHA0003',
    ];
    const job = await uploaded('tour', 'presale', file.join('\r\n'));
    expect(job).toMatchObject({ type: 'fan-codes-upload', status: 'SUCCEEDED', progress: { fraction: 1 } });
    expect(job.result).toEqual({
      campaignId: 'tour',
      poolId: 'tour:presale',
      poolName: 'presale',
      filename: 'codes.txt',
      rows: 7,
      added: 3,
      alreadyInPool: 0,
      rejected: 4,
      rejectedByReason: { INVALID_CODE: 2, DUPLICATE_IN_FILE: 1, CODE_OF_OTHER_CAMPAIGN: 1 },
      rejects: [
        { line: 5, code: 'no spaces allowed', reason: 'INVALID_CODE', message: expect.any(String) },
        { line: 6, code: 'ALPHA0001', reason: 'DUPLICATE_IN_FILE', message: 'the same code is on line 2' },
        { line: 7, code: 'TAKEN0001', reason: 'CODE_OF_OTHER_CAMPAIGN', message: expect.any(String) },
        { line: 8, code: 'AB', reason: 'INVALID_CODE', message: expect.any(String) },
      ],
    });
    expect(await codeDocs(server.app.db).findOne({ _id: 'ALPHA0002' })).toMatchObject({
      campaignId: 'tour',
      poolId: 'tour:presale',
      kind: 'NON_TM',
      state: 'AVAILABLE',
    });
    const answer = await pools('tour');
    expect(answer.data?.codePools).toEqual({
      totalCount: 1,
      edges: [
        {
          node: {
            id: 'tour:presale',
            name: 'presale',
            kind: 'NON_TM',
            createdBy: expect.any(String),
            available: 3,
            reserved: 0,
            assigned: 0,
          },
        },
      ],
    });
    expect(await server.app.ports.objects.list('uploads/fan-codes/')).toEqual([]);
  });

  it("keeps codes already in the pool on a second upload, and refuses codes of another of the campaign's pools", async () => {
    const again = await uploaded('tour', 'presale', 'ALPHA0001\nALPHA0004\n');
    expect(again.result).toMatchObject({ rows: 2, added: 1, alreadyInPool: 1, rejected: 0 });
    const csv = 'id,code,note\n1,ALPHA0002,x\n2,BETA00001,y\n';
    const elsewhere = await uploaded('tour', 'general', csv, 'general.csv');
    expect(elsewhere.result).toMatchObject({
      rows: 2,
      added: 1,
      rejected: 1,
      rejectedByReason: { CODE_IN_OTHER_POOL: 1 },
    });
    expect(elsewhere.result.rejects[0]).toMatchObject({ line: 2, code: 'ALPHA0002' });
    const answer = await pools('tour');
    expect(answer.data?.codePools.edges.map(({ node }) => [node.name, node.available])).toEqual([
      ['presale', 4],
      ['general', 1],
    ]);
  });

  it('refuses a file over its size or row limit with PAYLOAD_TOO_LARGE, keeping nothing', async () => {
    const tooBig = Array.from({ length: 200 }, (_, index) => `BIGCODE${String(index).padStart(6, '0')}`).join('\n');
    const tooMany = Array.from({ length: 41 }, (_, index) => `ROW${String(index).padStart(3, '0')}`).join('\n');
    for (const content of [tooBig, tooMany]) {
      const answer = await upload('tour', 'refused', content);
      expect(answer.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    }
    expect((await pools('tour')).data?.codePools.totalCount).toBe(2);
    expect(await codeDocs(server.app.db).countDocuments({ poolId: 'tour:refused' })).toBe(0);
    expect(await server.app.ports.objects.list('uploads/fan-codes/')).toEqual([]);
  });

  it('answers coded errors for an unknown campaign, a file it cannot read and a missing pool name', async () => {
    const cases: [string, string, string, string, string][] = [
      ['nowhere', 'p', 'CODE0001', 'codes.txt', 'NOT_FOUND'],
      ['tour', 'p', 'CODE0001', 'codes.pdf', 'BAD_USER_INPUT'],
      ['tour', 'p', 'voucher\nCODE0001', 'codes.csv', 'BAD_USER_INPUT'],
      ['tour', '   ', 'CODE0001', 'codes.txt', 'BAD_USER_INPUT'],
    ];
    for (const [campaignId, poolName, content, filename, code] of cases) {
      const answer = await upload(campaignId, poolName, content, filename);
      expect(answer.errors?.[0]?.extensions?.code).toBe(code);
    }
    expect((await pools('nowhere')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const forbidden = await uploadMutation(
      server,
      viewer,
      UPLOAD,
      { c: 'tour', p: 'x' },
      { content: 'CODE0001', filename: 'a.txt' },
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('uploads a file from the command line (codes upload --wait), run by the service', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'codes-cli-'));
    try {
      const path = join(dir, 'cli-codes.txt');
      await writeFile(path, 'CLI000001\nCLI000002\nbad code\n');
      const admin = await server.createApiKey('admin', 'cli');
      const response = await fetch(new URL('/admin/commands/codes', server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({
          flags: { campaign: 'tour', pool: 'cli', file: path, wait: true },
          positional: ['upload'],
        }),
      });
      const answer = (await response.json()) as { exitCode: number; output: string };
      expect(answer.exitCode).toBe(0);
      expect(JSON.parse(answer.output)).toMatchObject({ status: 'SUCCEEDED', result: { added: 2, rejected: 1 } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reserves codes for a wave at most once, all or nothing, and releases them', async () => {
    await storeCampaign(server.app.db, 'waves');
    await storePool(server.app.db, 'waves', 'first', ['WAVE0001', 'WAVE0002', 'WAVE0003', 'WAVE0004']);
    await storePool(server.app.db, 'waves', 'second', ['WAVE0005']);
    const codes = server.servicesOf(fansFeature).codes;
    const first = await codes.reserve('waves', 'wave-1', 3);
    expect(first).toEqual({ campaignId: 'waves', waveId: 'wave-1', held: 3, reservedNow: 3 });
    expect(await codes.reserve('waves', 'wave-1', 3)).toMatchObject({ held: 3, reservedNow: 0 });
    await expect(codes.reserve('waves', 'wave-2', 10)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    const counts = (await pools('waves')).data?.codePools.edges.map(({ node }) => [node.available, node.reserved]);
    expect(counts).toEqual([
      [1, 3],
      [1, 0],
    ]);
    const [both] = await Promise.all([codes.reserve('waves', 'wave-3', 1), codes.reserve('waves', 'wave-4', 1)]);
    expect(both.held).toBe(1);
    const reservedFor = await Promise.all(['wave-1', 'wave-3', 'wave-4'].map((wave) => codes.reservedCodes(wave)));
    const all = reservedFor.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(5);
    expect(await codes.release('wave-1')).toBe(3);
    expect(await codes.reservedCodes('wave-1')).toEqual([]);
  });
});
