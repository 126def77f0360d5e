import { createEntity, entities } from '../../src/services/campaigns/catalog';
import { createCampaign } from '../../src/services/campaigns/campaigns';
import { freezeAudience } from '../../src/services/campaigns/freezeAudience';
import { importAudienceMembers } from '../../src/services/campaigns/importMembers';
import {
  archivedMemberFilter,
  C,
  type MemberDoc,
  type MembershipDoc,
  type RecipientDoc,
} from '../../src/services/campaigns/model';
import { membersOf } from '../../src/services/campaigns/recipientMembers';
import { upsertMembersIntoAudience, type MemberRow } from '../../src/services/campaigns/upsertMembers';
import { csv, openCampaignApp, type CampaignApp } from './fixture';

const limits = { maxBytes: 1_000_000, maxRows: 1000 };
const memberRow = (email: string, name = 'Someone'): MemberRow => ({ email, name, contact: null, attributes: {} });

describe('audiences, members and the frozen campaign audience', () => {
  let app: CampaignApp;
  beforeEach(async () => {
    app = await openCampaignApp();
  });
  afterEach(() => app.close());

  const audience = (name: string) => createEntity(app.db, entities.audience, { name, segments: ['s'] });
  const importCsv = (audienceId: string, lines: string[], mode: 'ADD' | 'REPLACE' = 'ADD', overwrite = false) =>
    importAudienceMembers(app.db, limits, {
      audienceId,
      file: csv(...lines),
      filename: 'members.csv',
      mode,
      overwrite,
    });

  it('rejects bad rows with their row numbers and imports the rest', async () => {
    const a = await audience('A');
    const result = await importCsv(a._id, [
      'Email,Name,City',
      'ann@example.com,Ann,NYC',
      'not-an-email,Bob,LA',
      ',Nobody,SF',
      ' ANN@example.com ,Ann again,NYC',
      'cy@example.com,Cy,',
    ]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.counts).toMatchObject({
      rows: 5,
      accepted: 2,
      rejected: 3,
      duplicatesInFile: 1,
      created: 2,
      addedToAudience: 2,
    });
    expect(result.rejects).toEqual([
      { rowNumber: 3, email: 'not-an-email', reason: 'invalid e-mail address' },
      { rowNumber: 4, email: null, reason: 'invalid e-mail address' },
      { rowNumber: 5, email: 'ann@example.com', reason: 'duplicate of row 2 (same e-mail)' },
    ]);
    const ann = await app.db.collection<MemberDoc>(C.members).findOne({ email: 'ann@example.com' });
    expect(ann).toMatchObject({ name: 'Ann', attributes: { city: 'NYC' } });
  });

  it('refuses a file without an email column, and says which columns it found', async () => {
    const a = await audience('A');
    await expect(importCsv(a._id, ['name,phone', 'Ann,1'])).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
      message: expect.stringContaining('email'),
    });
  });

  it('dedupes against existing members (case and spaces) and overwrites only when asked', async () => {
    const a = await audience('A');
    const b = await audience('B');
    await importCsv(a._id, ['email,name', 'Dee@Example.com,Dee']);
    const kept = await importCsv(b._id, ['email,name', '  dee@EXAMPLE.com,Changed']);
    expect(kept.counts).toMatchObject({ created: 0, existingMembers: 1, updated: 0, addedToAudience: 1 });
    expect(await app.db.collection<MemberDoc>(C.members).countDocuments({})).toBe(1);
    expect((await app.db.collection<MemberDoc>(C.members).findOne({}))!.name).toBe('Dee');
    const overwritten = await importCsv(b._id, ['email,name', 'DEE@example.com,Changed'], 'ADD', true);
    expect(overwritten.counts).toMatchObject({ updated: 1, addedToAudience: 0 });
    expect((await app.db.collection<MemberDoc>(C.members).findOne({}))!.name).toBe('Changed');
  });

  it('stores a batch the same whether its e-mails are looked up first or refused by the unique index', async () => {
    const a = await audience('A');
    await upsertMembersIntoAudience(app.db, a._id, [memberRow('old1@example.com'), memberRow('old2@example.com')], {
      overwrite: false,
    });
    for (const expectExisting of [false, true]) {
      const b = await audience(`B ${expectExisting}`);
      const rows = [
        memberRow('old1@example.com', 'Renamed'),
        memberRow(`new-${expectExisting}@example.com`),
        memberRow('old2@example.com'),
      ];
      const counts = await upsertMembersIntoAudience(app.db, b._id, rows, { overwrite: true, expectExisting });
      expect(counts).toEqual({ created: 1, updated: 2, existing: 2, addedToAudience: 3 });
      expect(await app.db.collection<MembershipDoc>(C.memberships).countDocuments({ audienceId: b._id })).toBe(3);
    }
    expect(await app.db.collection<MemberDoc>(C.members).countDocuments({})).toBe(4);
    expect((await app.db.collection<MemberDoc>(C.members).findOne({ email: 'old1@example.com' }))!.name).toBe(
      'Renamed',
    );
  });

  it('REPLACE drops the audience members the file does not list (members themselves stay)', async () => {
    const a = await audience('A');
    await importCsv(a._id, ['email', 'x@example.com', 'y@example.com', 'z@example.com']);
    const replaced = await importCsv(a._id, ['email', 'y@example.com', 'w@example.com'], 'REPLACE');
    expect(replaced.counts).toMatchObject({ removedFromAudience: 2, created: 1 });
    const memberIds = (await app.db.collection<MembershipDoc>(C.memberships).find({ audienceId: a._id }).toArray()).map(
      (m) => m.memberId,
    );
    const emails = (
      await app.db
        .collection<MemberDoc>(C.members)
        .find({ _id: { $in: memberIds } })
        .toArray()
    )
      .map((m) => m.email)
      .sort();
    expect(emails).toEqual(['w@example.com', 'y@example.com']);
    expect(await app.db.collection<MemberDoc>(C.members).countDocuments({})).toBe(4);
  });

  it('freezes the union of overlapping audiences once per e-mail, leaving archived members out', async () => {
    const [a, b, c] = await Promise.all([audience('A'), audience('B'), audience('C')]);
    await importCsv(a._id, ['email', 'one@example.com', 'Two@example.com', 'three@example.com']);
    await importCsv(b._id, ['email', ' TWO@EXAMPLE.COM', 'four@example.com', 'three@example.com ']);
    await importCsv(c._id, ['email', 'one@example.com', 'five@example.com', 'gone@example.com']);
    await app.db
      .collection<MemberDoc>(C.members)
      .updateOne({ email: 'gone@example.com' }, { $set: { archivedAt: new Date() } });
    const sender = await createEntity(app.db, entities.sender, { name: 'S', email: 's@example.com' });
    const template = await createEntity(app.db, entities.template, {
      name: 'T',
      type: 'plain',
      subject: 'x',
      text: 'hello',
    });
    const campaign = await createCampaign(app.db, {
      name: 'C',
      templateId: template._id,
      senderId: sender._id,
      audienceIds: [a._id, b._id, c._id],
    });
    expect(await freezeAudience(app.db, campaign)).toBe(5);
    // freezing again (a crash during the first freeze, say) adds no one
    expect(await freezeAudience(app.db, campaign)).toBe(5);
    const recipients = await app.db.collection<RecipientDoc>(C.recipients).find({ campaignId: campaign._id }).toArray();
    const emails = [...(await membersOf(app.db, recipients)).values()].map((member) => member.email).sort();
    expect(emails).toEqual([
      'five@example.com',
      'four@example.com',
      'one@example.com',
      'three@example.com',
      'two@example.com',
    ]);
    // archived members come from the partial index that holds only them, without reading members
    const archived = app.db.collection<MemberDoc>(C.members).find(archivedMemberFilter, { projection: { _id: 1 } });
    expect((await archived.explain('executionStats')).executionStats).toMatchObject({
      nReturned: 1,
      totalKeysExamined: 1,
      totalDocsExamined: 0,
    });
  });
});
