import { EmbeddedOfferCodes, offerPoolId, type OfferCodeGrant } from '../../src/datasources/offerCodes';
import { fansFeature } from '../../src/features/fans';
import { insertCodes } from '../../src/services/fans/codes/insertCodes';
import type { CodePoolCountsDoc } from '../../src/services/fans/codes/poolCounts';
import { CODE_POOL_COUNTS, CODE_POOLS, CODES, type CodeDoc, type CodePoolDoc } from '../../src/services/fans/model';
import { FanCampaignPageDocument, type FanCampaignPageQuery } from '../../web/src/generated/graphql';
import { graphql } from '../support/graphql';
import { startTestServer, type TestServer } from '../support/server';
import {
  assignment,
  codeDocs,
  codesOf,
  finishedJob,
  JOB_FIELDS,
  storeCampaign,
  storeEntries,
  storePool,
  uploadMutation,
  type JobView,
} from './codesSupport';

const UPLOAD = `mutation($c: ID!, $p: String!, $file: Upload!) { uploadCodes(campaignId: $c, poolName: $p, file: $file) { ${JOB_FIELDS} } }`;

/** Codes per pool and state kept with the codes: always what counting the codes gives. */
describe('code pool counts kept with the codes', () => {
  let server: TestServer;
  let operator: string;
  let viewer: string;

  beforeAll(async () => {
    server = await startTestServer({ JOB_POLL_WAIT_SECONDS: '1', QUEUE_POLL_INTERVAL_MS: '50' });
    operator = await server.createApiKey('operator', 'ops');
    viewer = await server.createApiKey('viewer', 'dashboard');
  });
  afterAll(() => server.stop());

  const services = () => server.servicesOf(fansFeature);
  const db = () => server.app.db;

  async function poolIds(campaignId: string): Promise<string[]> {
    const pools = await db().collection<CodePoolDoc>(CODE_POOLS).find({ campaignId }).toArray();
    return pools.map((pool) => pool._id).sort();
  }

  /** The pools' codes counted on the (poolId, state) index, as every request did before the counts were kept. */
  async function indexCounts(campaignId: string) {
    const counts: Record<string, { available: number; reserved: number; assigned: number }> = {};
    for (const poolId of await poolIds(campaignId)) {
      const count = (state: CodeDoc['state']) => codeDocs(db()).countDocuments({ poolId, state });
      counts[poolId] = {
        available: await count('AVAILABLE'),
        reserved: await count('RESERVED'),
        assigned: await count('ASSIGNED'),
      };
    }
    return counts;
  }

  async function expectExact(campaignId: string) {
    const counts = await indexCounts(campaignId);
    const kept = await services().codeCounts.read(await poolIds(campaignId));
    expect(Object.fromEntries(kept)).toEqual(counts);
    return counts;
  }

  async function uploaded(campaignId: string, poolName: string, content: string): Promise<JobView> {
    const answer = await uploadMutation<{ uploadCodes: JobView }>(
      server,
      operator,
      UPLOAD,
      { c: campaignId, p: poolName },
      { content, filename: 'codes.txt' },
    );
    if (!answer.data) throw new Error(JSON.stringify(answer.errors));
    return finishedJob(server, operator, answer.data.uploadCodes.id);
  }

  it('count uploads, an upload again, duplicates in the file and codes of other campaigns', async () => {
    await storeCampaign(db(), 'uploads');
    await storeCampaign(db(), 'elsewhere');
    await storePool(db(), 'elsewhere', 'presale', ['ELSE00001']);
    const file = [...codesOf('UPL', 30), 'UPL00003', 'ELSE00001', 'not a code!'].join('\n');
    const first = await uploaded('uploads', 'presale', file);
    expect(first.result).toMatchObject({ added: 30, rejected: 3 });
    const again = await uploaded('uploads', 'presale', file);
    expect(again.result).toMatchObject({ added: 0, alreadyInPool: 31 });
    await uploaded('uploads', 'late', codesOf('LATE', 5).join('\n'));
    const counts = await expectExact('uploads');
    expect(counts['uploads:presale']).toEqual({ available: 30, reserved: 0, assigned: 0 });
    expect(counts['uploads:late']).toEqual({ available: 5, reserved: 0, assigned: 0 });
  });

  it('count a batch of an upload delivered twice (a retried job) once', async () => {
    await storeCampaign(db(), 'retried');
    await storePool(db(), 'retried', 'presale', []);
    const pool = (await db().collection<CodePoolDoc>(CODE_POOLS).findOne({ _id: 'retried:presale' }))!;
    const rows = codesOf('RET', 8).map((value, index) => ({ line: index + 1, value }));
    const { codeCounts } = services();
    const [once, twice] = await Promise.all([
      insertCodes(codeDocs(db()), codeCounts, pool, 'upload-1', rows),
      insertCodes(codeDocs(db()), codeCounts, pool, 'upload-1', rows),
    ]);
    expect(once).toMatchObject({ added: 8, rejected: [] });
    expect(twice).toMatchObject({ added: 8, rejected: [] });
    expect((await expectExact('retried'))['retried:presale']).toEqual({ available: 8, reserved: 0, assigned: 0 });
  });

  it('count assignments from the pools and of given codes, side by side and redelivered', async () => {
    await storeCampaign(db(), 'assigned');
    await storePool(db(), 'assigned', 'first', codesOf('ASA', 10));
    await storePool(db(), 'assigned', 'second', codesOf('ASB', 40));
    const fans = Array.from({ length: 40 }, (_, index) => `f${index}`);
    await storeEntries(db(), 'assigned', fans);
    const { assignment: pipeline } = services();
    const fromPools = fans.slice(0, 30).map((userId) => assignment('assigned', userId));
    const given = [
      assignment('assigned', 'f30', { code: 'ASB00039', codeKind: 'NON_TM' }),
      assignment('assigned', 'f31', { code: 'ASB00039', codeKind: 'NON_TM' }),
      assignment('assigned', 'f32', { code: 'NOPE00001', codeKind: 'NON_TM' }),
    ];
    await Promise.all([
      pipeline.handle(fromPools.slice(0, 15)),
      pipeline.handle(fromPools.slice(15)),
      pipeline.handle(given),
    ]);
    await pipeline.handle([...fromPools, ...given]);
    const counts = await expectExact('assigned');
    expect(counts['assigned:first']).toEqual({ available: 0, reserved: 0, assigned: 10 });
    expect(counts['assigned:second']).toEqual({ available: 19, reserved: 0, assigned: 21 });
  });

  it('count reservations for waves, their releases and assignments of reserved codes', async () => {
    await storeCampaign(db(), 'reserved');
    await storePool(db(), 'reserved', 'first', codesOf('RSA', 6));
    await storePool(db(), 'reserved', 'second', codesOf('RSB', 6));
    await storeEntries(db(), 'reserved', ['r1', 'r2']);
    const { codes, assignment: pipeline } = services();
    await Promise.all([codes.reserve('reserved', 'wave-1', 8), codes.reserve('reserved', 'wave-2', 2)]);
    await codes.reserve('reserved', 'wave-1', 8);
    await expect(codes.reserve('reserved', 'wave-3', 5)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(await expectExact('reserved')).toEqual({
      'reserved:first': { available: 0, reserved: 6, assigned: 0 },
      'reserved:second': { available: 2, reserved: 4, assigned: 0 },
    });
    const [code] = await codes.reservedCodes('wave-2');
    const records = [assignment('reserved', 'r1', { code: code!, codeKind: 'NON_TM', waveId: 'wave-2' })];
    await pipeline.handle(records);
    await pipeline.handle(records);
    expect(await codes.release('wave-1')).toBe(8);
    expect(await codes.release('wave-1')).toBe(0);
    const counts = await expectExact('reserved');
    expect(Object.values(counts).reduce((sum, pool) => sum + pool.reserved, 0)).toBe(1);
    expect(Object.values(counts).reduce((sum, pool) => sum + pool.assigned, 0)).toBe(1);
  });

  it("count a wave's offer codes registered, registered again and forgotten", async () => {
    await storeCampaign(db(), 'offers');
    const { codeCounts } = services();
    await db()
      .collection<CodePoolDoc>(CODE_POOLS)
      .insertOne({
        _id: offerPoolId('wave-o'),
        campaignId: 'offers',
        kind: 'OFFER',
        name: 'offer codes of wave o',
        createdAt: new Date(),
        createdBy: 'test',
      });
    const registry = new EmbeddedOfferCodes(db().collection(CODES), codeCounts);
    const grant = (code: string, row: number): OfferCodeGrant => ({
      code,
      campaignId: 'offers',
      waveId: 'wave-o',
      row,
      userId: null,
      entryId: null,
      at: new Date(),
    });
    const grants = codesOf('OFR', 6).map((code, row) => grant(code, row));
    expect(await registry.register(grants)).toEqual({ registered: 6, collisions: [] });
    expect(await registry.register([...grants, grant('OFR00000', 99)])).toEqual({
      registered: 6,
      collisions: ['OFR00000'],
    });
    await registry.forget('wave-o', ['OFR00001', 'OFR00002', 'OFR00002', 'MISSING01']);
    expect((await expectExact('offers'))[offerPoolId('wave-o')]).toEqual({ available: 0, reserved: 0, assigned: 4 });
  });

  it('are recounted by stats rebuild and, when never recounted, at start; the page reads them', async () => {
    await storeCampaign(db(), 'rebuilt');
    await uploaded('rebuilt', 'presale', codesOf('RBL', 12).join('\n'));
    await storeEntries(db(), 'rebuilt', ['b1', 'b2', 'b3']);
    await services().assignment.handle(['b1', 'b2', 'b3'].map((userId) => assignment('rebuilt', userId)));
    const counts = await indexCounts('rebuilt');
    const kept = db().collection<CodePoolCountsDoc>(CODE_POOL_COUNTS);
    await kept.updateOne({ _id: 'rebuilt:presale' }, { $set: { available: 1000, assigned: -4 } });
    const rebuilt = await fansFeature.rebuildStats!(server.app, services());
    expect(rebuilt.codePools).toBeGreaterThan(0);
    await expectExact('rebuilt');
    await kept.deleteOne({ _id: 'rebuilt:presale' });
    expect(await services().codeCounts.recountMissing()).toBe(1);
    expect(await services().codeCounts.recountMissing()).toBe(0);
    await expectExact('rebuilt');
    const page = await graphql<FanCampaignPageQuery>(
      server.url,
      FanCampaignPageDocument.toString(),
      { id: 'rebuilt' },
      { key: viewer },
    );
    expect(page.errors).toBeUndefined();
    expect(page.data?.codePools.edges.map(({ node }) => [node.available, node.reserved, node.assigned])).toEqual([
      [counts['rebuilt:presale']!.available, 0, 3],
    ]);
  });
});
