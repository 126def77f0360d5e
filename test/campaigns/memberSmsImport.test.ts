import { createEntity, entities } from '../../src/services/campaigns/catalog';
import { importAudienceMembers } from '../../src/services/campaigns/importMembers';
import { C, type MemberDoc } from '../../src/services/campaigns/model';
import { csv, openCampaignApp, type CampaignApp } from './fixture';

const limits = { maxBytes: 1_000_000, maxRows: 1000 };

describe('importing the SMS contact of members', () => {
  let app: CampaignApp;
  beforeEach(async () => {
    app = await openCampaignApp();
  });
  afterEach(() => app.close());

  const importCsv = async (lines: string[], overwrite: boolean, phoneCountry?: string) => {
    const audience = await createEntity(app.db, entities.audience, { name: 'A', segments: [] });
    return importAudienceMembers(
      app.db,
      limits,
      { audienceId: audience._id, file: csv(...lines), filename: 'members.csv', mode: 'ADD', overwrite },
      { phoneCountry },
    );
  };
  const member = (email: string) => app.db.collection<MemberDoc>(C.members).findOne({ email });

  it('reads national numbers in the row country, else the configured one; yes records consent at the import', async () => {
    const result = await importCsv(
      [
        'email,phone,country,timeZone,smsConsent',
        'fr@example.com,06 12 34 56 78,FR,Europe/Paris,yes',
        'gb@example.com,07911 123456,,,no',
      ],
      false,
      'GB',
    );
    expect(result.counts).toMatchObject({ accepted: 2, rejected: 0 });
    expect(await member('fr@example.com')).toMatchObject({
      phone: '+33612345678',
      timeZone: 'Europe/Paris',
      smsConsentAt: result.createdAt,
      attributes: { country: 'FR' },
    });
    expect(await member('gb@example.com')).toMatchObject({
      phone: '+447911123456',
      timeZone: null,
      smsConsentAt: null,
    });
  });

  it('an overwrite changes only the SMS fields its file has a column for', async () => {
    await importCsv(['email,name,phone,smsConsent', 'ann@example.com,Ann,+14155550100,yes'], false);
    const before = (await member('ann@example.com'))!;
    await importCsv(['email,name', 'ann@example.com,Ann B'], true);
    expect(await member('ann@example.com')).toMatchObject({
      name: 'Ann B',
      phone: '+14155550100',
      smsConsentAt: before.smsConsentAt,
    });
    await importCsv(['email,name,phone,smsConsent', 'ann@example.com,Ann C,,no'], true);
    expect(await member('ann@example.com')).toMatchObject({ name: 'Ann C', phone: null, smsConsentAt: null });
  });
});
