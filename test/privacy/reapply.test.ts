import { privacyFeature, reapplyAfterRestore } from '../../src/features/privacy';
import { readRestoreMarker, writeRestoreMarker } from '../../src/services/backups/restoreMarker';
import { C } from '../../src/services/campaigns/model';
import { FAN_ENTRIES } from '../../src/services/fans/model';
import { ERASURES } from '../../src/services/privacy/model';
import { SUPPRESSIONS } from '../../src/services/suppression/suppressionList';
import { JANE, seedCampaign, seedFans, startPrivacyServer, type PrivacyServer } from './privacySupport';

const RESTORED = [FAN_ENTRIES, C.members, C.memberships, C.recipients, ERASURES, SUPPRESSIONS];

describe('a restore re-applies the erasures recorded since its backup', () => {
  let s: PrivacyServer;
  beforeAll(async () => {
    s = await startPrivacyServer();
    await seedFans(s);
    await seedCampaign(s);
  });
  afterAll(() => s.stop());

  const documentsOfJane = async () =>
    (
      await s.gql(`query($email: String) { personalData(email: $email) { totalDocuments } }`, {
        email: JANE.email,
      })
    ).personalData.totalDocuments as number;

  it('brings back the erasures and suppressions from the ledger and erases the restored person again', async () => {
    const backupAt = new Date();
    const backup = new Map<string, unknown[]>();
    for (const name of RESTORED) backup.set(name, await s.app.db.collection(name).find({}).toArray());
    expect(await documentsOfJane()).toBeGreaterThan(0);

    const started = await s.gql(`mutation($email: String) { erasePerson(email: $email) { id } }`, {
      email: JANE.email,
    });
    expect((await s.waitForJob(started.erasePerson.id)).status).toBe('SUCCEEDED');
    expect(await documentsOfJane()).toBe(0);

    // the store as the backup had it: Jane is back, and nothing says she was erased
    for (const name of RESTORED) {
      await s.app.db.collection(name).deleteMany({});
      const docs = backup.get(name)!;
      if (docs.length) await s.app.db.collection(name).insertMany(docs as never[]);
    }
    expect(await documentsOfJane()).toBeGreaterThan(0);
    expect(await s.app.db.collection(SUPPRESSIONS).countDocuments({})).toBe(0);

    // what `restore` leaves in the data directory; the service's start follows it up
    const services = s.server.servicesOf(privacyFeature);
    await writeRestoreMarker(s.app.config.DATA_DIR, backupAt.toISOString());
    const result = (await reapplyAfterRestore(s.app, services))!;
    expect(result).toMatchObject({ erasures: 1, restored: 1, suppressionsAdded: 2 });
    expect(result.people).toBeGreaterThanOrEqual(1);
    expect(result.changed).toBeGreaterThan(0);
    expect(await documentsOfJane()).toBe(0);
    expect(await s.app.db.collection(SUPPRESSIONS).countDocuments({})).toBe(2);
    const erasure = await s.app.db.collection(ERASURES).findOne({ _id: started.erasePerson.id });
    expect(erasure).toMatchObject({ status: 'DONE' });
    expect(erasure!.suppressions).toHaveLength(2);

    expect(await readRestoreMarker(s.app.config.DATA_DIR)).toBeNull();
    expect(await reapplyAfterRestore(s.app, services)).toBeNull();

    await writeRestoreMarker(s.app.config.DATA_DIR, backupAt.toISOString());
    const again = await reapplyAfterRestore(s.app, services);
    expect(again).toMatchObject({ erasures: 1, restored: 0, suppressionsAdded: 0, people: 0, changed: 0 });
    const later = await services.reapplyErasures(new Date());
    expect(later).toMatchObject({ erasures: 0, people: 0 });
  });
});
