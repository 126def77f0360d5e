import { Readable } from 'node:stream';
import { AudienceMembers } from '../../src/services/campaigns/audienceMembers';
import { createEntity, entities } from '../../src/services/campaigns/catalog';
import { createCampaign } from '../../src/services/campaigns/campaigns';
import { freezeAudience } from '../../src/services/campaigns/freezeAudience';
import { importAudienceMembers } from '../../src/services/campaigns/importMembers';
import { C, type AudienceImportDoc, type MembershipDoc } from '../../src/services/campaigns/model';
import { csv, openCampaignApp, type CampaignApp } from './fixture';
import { gatedCsv, waitFor } from './gatedUpload';

const limits = { maxBytes: 10_000_000, maxRows: 100_000 };

/** An import is staged, then published in one step: until then readers see the audience as it was. */
describe('staged audience imports', () => {
  let app: CampaignApp;
  let members: AudienceMembers;
  beforeEach(async () => {
    app = await openCampaignApp();
    members = new AudienceMembers(app.db, limits);
  });
  afterEach(() => app.close());

  const audience = (name: string) => createEntity(app.db, entities.audience, { name, segments: ['s'] });
  const stored = (audienceId: string) => app.db.collection<MembershipDoc>(C.memberships).countDocuments({ audienceId });
  const importFile = (audienceId: string, file: Readable, mode: 'ADD' | 'REPLACE' = 'ADD') =>
    importAudienceMembers(app.db, limits, { audienceId, file, filename: 'members.csv', mode, overwrite: false });

  async function campaignOf(audienceId: string) {
    const sender = await createEntity(app.db, entities.sender, { name: 'S', email: 's@example.com' });
    const template = await createEntity(app.db, entities.template, {
      name: 'T',
      type: 'plain',
      subject: 'x',
      text: 'hello',
    });
    return createCampaign(app.db, {
      name: `C ${audienceId}`,
      templateId: template._id,
      senderId: sender._id,
      audienceIds: [audienceId],
    });
  }

  it('shows none of a running import to readers, then all of it at once', async () => {
    const a = await audience('A');
    await importFile(a._id, csv('email', 'old1@example.com', 'old2@example.com'));
    const upload = gatedCsv(12_000, 'new');
    const running = importFile(a._id, upload.stream);
    // batches of the new file are stored while the file is still being read...
    await waitFor(async () => (await stored(a._id)) > 5000, 'staged memberships');
    // ...but no reader sees them: counts, pages and a campaign's frozen audience
    expect(await members.counts([a._id])).toEqual([2]);
    const page = await members.memberIds(a._id, { first: 100 });
    expect(page.edges).toHaveLength(2);
    expect(page.totalCount).toBe(2);
    expect(await freezeAudience(app.db, await campaignOf(a._id))).toBe(2);
    upload.release();
    const done = await running;
    expect(done).toMatchObject({ status: 'SUCCEEDED', counts: { accepted: 12_000, addedToAudience: 12_000 } });
    expect(await members.counts([a._id])).toEqual([12_002]);
    expect(await freezeAudience(app.db, await campaignOf(a._id))).toBe(12_002);
  });

  it('leaves the audience as it was when a REPLACE fails late in the file', async () => {
    const a = await audience('A');
    await importFile(a._id, csv('email', 'x@example.com', 'y@example.com', 'z@example.com'));
    // an unterminated quote at the very end: the CSV fails after 7,000 good rows were staged
    const upload = gatedCsv(7000, 'r', '"broken@example.com,never closed\n');
    const replacing = importFile(a._id, upload.stream, 'REPLACE');
    await waitFor(async () => (await stored(a._id)) > 3, 'staged memberships');
    upload.release();
    await expect(replacing).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await members.counts([a._id])).toEqual([3]);
    // nothing of the failed import is left behind, and its record says why it failed
    expect(await stored(a._id)).toBe(3);
    const failed = await app.db
      .collection<AudienceImportDoc>(C.imports)
      .findOne({ audienceId: a._id, mode: 'REPLACE' });
    expect(failed).toMatchObject({
      status: 'FAILED',
      error: expect.stringContaining('CSV'),
      counts: { addedToAudience: 0, removedFromAudience: 0 },
    });
    // and the audience takes the next import as usual
    const again = await importFile(a._id, csv('email', 'y@example.com', 'w@example.com'), 'REPLACE');
    expect(again.counts).toMatchObject({ removedFromAudience: 2, addedToAudience: 1 });
    expect(await members.counts([a._id])).toEqual([2]);
  });

  it('takes one import per audience at a time: CONFLICT for a second one while the first runs', async () => {
    const a = await audience('A');
    const upload = gatedCsv(6000, 'first');
    const first = importFile(a._id, upload.stream);
    await waitFor(async () => (await stored(a._id)) > 0, 'the first import to start');
    await expect(importFile(a._id, csv('email', 'second@example.com'))).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    await expect(members.add(a._id, ['whoever'])).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    upload.release();
    expect((await first).status).toBe('SUCCEEDED');
    expect((await importFile(a._id, csv('email', 'second@example.com'))).status).toBe('SUCCEEDED');
    expect(await members.counts([a._id])).toEqual([6001]);
  });
});
