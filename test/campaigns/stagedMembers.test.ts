import type { Readable } from 'node:stream';
import { AudienceMembers } from '../../src/services/campaigns/audienceMembers';
import { archiveEntity, createEntity, entities } from '../../src/services/campaigns/catalog';
import { createCampaign } from '../../src/services/campaigns/campaigns';
import { freezeAudience } from '../../src/services/campaigns/freezeAudience';
import { importAudienceMembers } from '../../src/services/campaigns/importMembers';
import { C, type MemberDoc, type MembershipDoc } from '../../src/services/campaigns/model';
import { csv, openCampaignApp, type CampaignApp } from './fixture';
import { gatedCsv, waitFor } from './gatedUpload';

const limits = { maxBytes: 10_000_000, maxRows: 100_000 };
const BROKEN = '"broken@example.com,never closed\n';

/** The members as an import meets them: a failed, refused or crashed import leaves them as they were. */
describe('staged members', () => {
  let app: CampaignApp;
  beforeEach(async () => {
    app = await openCampaignApp();
  });
  afterEach(() => app.close());

  const audience = (name: string) => createEntity(app.db, entities.audience, { name, segments: ['s'] });
  const membersOf = () => app.db.collection<MemberDoc>(C.members);
  const stored = (audienceId: string) => app.db.collection<MembershipDoc>(C.memberships).countDocuments({ audienceId });
  const importFile = (
    audienceId: string,
    file: Readable,
    options: { overwrite?: boolean; mode?: 'ADD' | 'REPLACE' } = {},
  ) =>
    importAudienceMembers(app.db, limits, {
      audienceId,
      file,
      filename: 'members.csv',
      mode: options.mode ?? 'ADD',
      overwrite: options.overwrite ?? false,
    });
  const byEmail = async (email: string) => {
    const { _id: _ignored, createdAt: _c, ...rest } = (await membersOf().findOne({ email }))!;
    return rest;
  };

  it('deletes the members a failed import created, and keeps the ones that were there', async () => {
    const a = await audience('A');
    await importFile(a._id, csv('email,name', 'old1@example.com,Old 1', 'old2@example.com,Old 2'));
    const upload = gatedCsv(7000, 'new', BROKEN, 'old1@example.com,Old 1\n');
    const failing = importFile(a._id, upload.stream);
    await waitFor(async () => (await stored(a._id)) > 5000, 'staged memberships');
    upload.release();
    await expect(failing).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await membersOf().countDocuments({})).toBe(2);
    expect((await membersOf().find({}).toArray()).map((m) => m.email).sort()).toEqual([
      'old1@example.com',
      'old2@example.com',
    ]);
  });

  it('restores the names, contacts, attributes and archive state a failed overwrite changed', async () => {
    const a = await audience('A');
    await importFile(
      a._id,
      csv('email,name,contact,city', 'k1@example.com,Kept 1,555,Paris', 'k2@example.com,Kept 2,,Rome'),
    );
    const archived = (await membersOf().findOne({ email: 'k2@example.com' }))!;
    await archiveEntity(app.db, entities.member, archived._id);
    const before = [await byEmail('k1@example.com'), await byEmail('k2@example.com')];
    const head = 'k1@example.com,Changed 1\nk2@example.com,Changed 2\n';
    const upload = gatedCsv(6000, 'fresh', BROKEN, head);
    const failing = importFile(a._id, upload.stream, { overwrite: true, mode: 'REPLACE' });
    await waitFor(
      async () => (await membersOf().findOne({ email: 'k1@example.com' }))?.name === 'Changed 1',
      'overwrite',
    );
    upload.release();
    await expect(failing).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect([await byEmail('k1@example.com'), await byEmail('k2@example.com')]).toEqual(before);
    expect(await membersOf().countDocuments({})).toBe(2);
  });

  it('leaves members as they were when an import is refused part way for its size', async () => {
    const a = await audience('A');
    await importFile(a._id, csv('email,name', 'k1@example.com,Kept 1'));
    const before = await byEmail('k1@example.com');
    // sent in parts, so that batches are stored before the limit is reached
    const upload = gatedCsv(20_000, 'big', '', 'k1@example.com,Renamed\n');
    upload.release();
    const refused = importAudienceMembers(
      app.db,
      { maxBytes: 400_000, maxRows: 100_000 },
      { audienceId: a._id, file: upload.stream, filename: 'big.csv', mode: 'ADD', overwrite: true },
    );
    await expect(refused).rejects.toMatchObject({ extensions: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(await membersOf().countDocuments({})).toBe(1);
    expect(await byEmail('k1@example.com')).toEqual(before);
  });

  it('answers CONFLICT to another import or an addition that meets a member a running import created', async () => {
    const [a, b] = [await audience('A'), await audience('B')];
    const upload = gatedCsv(6000, 'shared', BROKEN);
    const failing = importFile(a._id, upload.stream);
    await waitFor(async () => (await stored(a._id)) === 5000, 'staged memberships');
    await expect(importFile(b._id, csv('email', 'shared1@example.com'))).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: expect.stringContaining('shared1@example.com'),
    });
    const staged = (await membersOf().findOne({ email: 'shared2@example.com' }))!;
    const members = new AudienceMembers(app.db, limits);
    await expect(members.add(b._id, [staged._id])).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    upload.release();
    await expect(failing).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await membersOf().countDocuments({})).toBe(0);
    expect(await stored(b._id)).toBe(0);
    // once it is over, the e-mails are anyone's again
    expect((await importFile(b._id, csv('email', 'shared1@example.com'))).counts).toMatchObject({ created: 1 });
  });
});

/** A freeze and an import of the same audience, interleaved step by step. */
describe('a freeze racing an import', () => {
  let app: CampaignApp;
  beforeEach(async () => {
    app = await openCampaignApp();
  });
  afterEach(() => app.close());

  async function campaignOf(audienceIds: string[]) {
    const sender = await createEntity(app.db, entities.sender, { name: 'S', email: 's@example.com' });
    const template = await createEntity(app.db, entities.template, {
      name: 'T',
      type: 'plain',
      subject: 'x',
      text: 'hi',
    });
    return createCampaign(app.db, { name: 'C', templateId: template._id, senderId: sender._id, audienceIds });
  }

  async function audienceOf(name: string, rows: number) {
    const audience = await createEntity(app.db, entities.audience, { name, segments: ['s'] });
    const lines = ['email'];
    for (let i = 0; i < rows; i++) lines.push(`${name}${i}@example.com`);
    await importAudienceMembers(app.db, limits, {
      audienceId: audience._id,
      file: csv(...lines),
      filename: 'members.csv',
      mode: 'ADD',
      overwrite: false,
    });
    return audience;
  }

  /**
   * Runs a freeze that stops at its first progress report (after its first chunk of recipients),
   * lets `meanwhile` run, then lets the freeze go on; answers the audience size it froze.
   */
  async function freezeAround(audienceIds: string[], meanwhile: () => Promise<void>): Promise<number> {
    let paused!: () => void;
    const reachedPause = new Promise<void>((resolve) => (paused = resolve));
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    let first = true;
    const freezing = freezeAudience(app.db, await campaignOf(audienceIds), async () => {
      if (!first) return;
      first = false;
      paused();
      await resumed;
    });
    await reachedPause;
    await meanwhile();
    resume();
    return freezing;
  }

  /** Starts an import on `audienceId` and waits until it staged more than `staged` memberships. */
  async function stagedImport(audienceId: string, before: number) {
    const upload = gatedCsv(6000, 'late', BROKEN);
    const running = importAudienceMembers(app.db, limits, {
      audienceId,
      file: upload.stream,
      filename: 'late.csv',
      mode: 'ADD',
      overwrite: false,
    });
    const count = () => app.db.collection<MembershipDoc>(C.memberships).countDocuments({ audienceId });
    await waitFor(async () => (await count()) >= before + 5000, 'staged memberships');
    return { upload, running };
  }

  it('leaves out the staged rows of an import that took hold of a later audience after the freeze began', async () => {
    const [a, b] = [await audienceOf('a', 5500), await audienceOf('b', 10)];
    let late: Awaited<ReturnType<typeof stagedImport>> | undefined;
    const size = await freezeAround([a._id, b._id], async () => {
      late = await stagedImport(b._id, 10);
    });
    expect(size).toBe(5510);
    late!.upload.release();
    await expect(late!.running).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('leaves out the staged rows of an import that took hold of the audience being read', async () => {
    const a = await audienceOf('a', 5500);
    let late: Awaited<ReturnType<typeof stagedImport>> | undefined;
    const size = await freezeAround([a._id], async () => {
      late = await stagedImport(a._id, 5500);
    });
    expect(size).toBe(5500);
    late!.upload.release();
    await expect(late!.running).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});
