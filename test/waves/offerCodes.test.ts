import type { OfferCodeGrant, OfferCodeRegistry } from '../../src/datasources/offerCodes';
import { createLogger } from '../../src/logger';
import { CODES, CODE_POOLS, type CodeDoc, type CodePoolDoc } from '../../src/services/fans/model';
import { WAVES, type WaveDoc } from '../../src/services/waves/model';
import { OfferCodes } from '../../src/services/waves/offerCodes/offerCodes';
import {
  csv,
  messagesOf,
  startWaveServer,
  storeCampaign,
  storeFans,
  uploadWave,
  waveConfig,
  type WaveServer,
} from './waveSupport';

const OFFER_CODE = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
const LOOKUP = `query($code: String!) { offerCode(code: $code) { code exists campaignId waveId userId redeemed redeemedAt } }`;
const FILE = csv(
  'userId,email,phone,firstName,market',
  'u1,,(212) 555-0101,Ann,nyc',
  'u2,,(212) 555-0102,Bob,nyc',
  ',walkin@example.com,(212) 555-0103,Cy,nyc',
);

describe('offer codes', () => {
  let waves: WaveServer;
  const codeDocs = () => waves.app.db.collection<CodeDoc>(CODES);
  const config = () =>
    waveConfig('tour', { generateOfferCode: true, messageTemplate: 'Hi {{firstName}}, your code is {{code}}' });

  beforeAll(async () => {
    waves = await startWaveServer();
    await storeCampaign(waves.app, 'tour');
    await storeFans(waves.app, 'tour', [{ userId: 'u1' }, { userId: 'u2' }]);
  });
  afterAll(() => waves.stop());

  it('gives each row a code shown in its text and registers it to the fan before the wave can be scheduled', async () => {
    const job = await uploadWave(waves, FILE, config());
    expect(job.result).toMatchObject({ kept: 3, offerCodes: 3 });
    const { waveId } = job.result;
    const messages = await messagesOf(waves.app, waveId);
    const codes = messages.map((message) => message.code!);
    for (const code of codes) expect(code).toMatch(OFFER_CODE);
    expect(new Set(codes).size).toBe(3);
    expect(messages.map((message) => message.text)).toEqual(
      messages.map((message) => `Hi ${message.firstName}, your code is ${message.code}`),
    );
    expect(messages.every((message) => message.codeKind === 'OFFER')).toBe(true);
    const registered = await codeDocs()
      .find({ poolId: `offer:${waveId}` }, { sort: { userId: 1 } })
      .toArray();
    expect(registered.map((doc) => [doc.userId, doc.entryId, doc.state, doc.kind])).toEqual([
      [null, null, 'ASSIGNED', 'OFFER'],
      ['u1', 'tour:u1', 'ASSIGNED', 'OFFER'],
      ['u2', 'tour:u2', 'ASSIGNED', 'OFFER'],
    ]);
    expect(await waves.app.db.collection<CodePoolDoc>(CODE_POOLS).findOne({ _id: `offer:${waveId}` })).toMatchObject({
      campaignId: 'tour',
      kind: 'OFFER',
    });
    const { wave } = await waves.gql(`query($id: ID!) { wave(id: $id) { codesGenerated status } }`, { id: waveId });
    expect(wave).toEqual({ codesGenerated: true, status: 'DRAFT' });
  });

  it('answers offerCode for viewers, typed in any case, and marks a code redeemed once', async () => {
    const job = await uploadWave(waves, FILE, config());
    const [first] = await messagesOf(waves.app, job.result.waveId);
    const typed = first!.code!.toLowerCase().replace(/-/g, '');
    const { offerCode } = await waves.gql(LOOKUP, { code: typed }, waves.viewer);
    expect(offerCode).toEqual({
      code: first!.code,
      exists: true,
      campaignId: 'tour',
      waveId: job.result.waveId,
      userId: 'u1',
      redeemed: false,
      redeemedAt: null,
    });
    const redeem = `mutation($code: String!) { redeemOfferCode(code: $code) { redeemed redeemedAt } }`;
    const denied = await waves.call(redeem, { code: first!.code }, waves.viewer);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { redeemOfferCode } = await waves.gql(redeem, { code: first!.code });
    expect(redeemOfferCode.redeemed).toBe(true);
    expect((await waves.gql(redeem, { code: first!.code })).redeemOfferCode.redeemedAt).toBe(
      redeemOfferCode.redeemedAt,
    );
    expect((await waves.gql(LOOKUP, { code: 'ZZZZ-ZZZZ-ZZZZ' }, waves.viewer)).offerCode).toMatchObject({
      exists: false,
      redeemed: false,
    });
    expect((await waves.gql(LOOKUP, { code: 'not a code' }, waves.viewer)).offerCode.exists).toBe(false);
  });

  it('is idempotent per wave: generated again, the same codes are registered, none new', async () => {
    const job = await uploadWave(waves, FILE, config());
    const { waveId } = job.result;
    const before = (await messagesOf(waves.app, waveId)).map((message) => message.code);
    await waves.app.db.collection<WaveDoc>(WAVES).updateOne({ _id: waveId }, { $set: { codesGenerated: false } });
    const scheduled = await waves.call(`mutation($id: ID!) { scheduleWave(id: $id) { id } }`, { id: waveId });
    expect(scheduled.errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: expect.stringContaining('offer codes are not registered yet'),
    });
    const { generateWaveCodes } = await waves.gql(`mutation($id: ID!) { generateWaveCodes(id: $id) { id } }`, {
      id: waveId,
    });
    const rerun = await waves.waitForJob(generateWaveCodes.id);
    expect(rerun.result).toEqual({ generated: 0, registered: 3, redrawn: 0 });
    expect((await messagesOf(waves.app, waveId)).map((message) => message.code)).toEqual(before);
    expect(await codeDocs().countDocuments({ poolId: `offer:${waveId}` })).toBe(3);
  });

  it('draws again a code that another wave holds', async () => {
    const job = await uploadWave(waves, FILE, {
      ...config(),
      generateOfferCode: false,
      messageTemplate: 'Hi {{firstName}}',
    });
    const { waveId } = job.result;
    // the wave is made to want codes now, through a registry that reports its first code taken
    await waves.app.db
      .collection<WaveDoc>(WAVES)
      .updateOne(
        { _id: waveId },
        { $set: { 'config.generateOfferCode': true, 'config.messageTemplate': 'Code {{code}}' } },
      );
    await waves.app.db.collection('waveMessages').updateMany({ waveId }, { $set: { codeKind: 'OFFER' } });
    const real = waves.services.registry;
    let collided: string | null = null;
    const registry: OfferCodeRegistry = {
      ...real,
      engine: real.engine,
      lookup: (code) => real.lookup(code),
      redeem: (code) => real.redeem(code),
      async register(grants: OfferCodeGrant[]) {
        if (collided) return real.register(grants);
        collided = grants[0]!.code;
        const outcome = await real.register(grants.slice(1));
        return { ...outcome, collisions: [collided] };
      },
    };
    const offerCodes = new OfferCodes({
      db: waves.app.db,
      jobs: waves.app.jobs,
      registry,
      logger: createLogger({ level: 'silent' }),
    });
    expect(await offerCodes.generate(waveId)).toEqual({ generated: 3, registered: 3, redrawn: 1 });
    const codes = (await messagesOf(waves.app, waveId)).map((message) => message.code);
    expect(codes).not.toContain(collided);
    expect((await messagesOf(waves.app, waveId)).map((message) => message.text)).toEqual(
      codes.map((code) => `Code ${code}`),
    );
    expect(await codeDocs().countDocuments({ poolId: `offer:${waveId}` })).toBe(3);
  });
});
