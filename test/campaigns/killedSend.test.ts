import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/config';
import { OutboxMessaging } from '../../src/datasources/messaging';
import { openStore, type Store } from '../../src/datasources/store';
import { applyIndexes } from '../../src/datasources/store/indexes';
import { createEntity, entities } from '../../src/services/campaigns/catalog';
import { createCampaign } from '../../src/services/campaigns/campaigns';
import { campaignIndexes } from '../../src/services/campaigns/indexes';
import { C, type CampaignDoc, type RecipientDoc } from '../../src/services/campaigns/model';
import { performSend } from '../../src/services/campaigns/sendCampaign';
import { trackingSite } from '../../src/services/campaigns/trackingSite';
import { privacySecret } from '../../src/services/suppression/privacySecret';
import { SuppressionList } from '../../src/services/suppression/suppressionList';
import { upsertMembersIntoAudience } from '../../src/services/campaigns/upsertMembers';
import { testJobContext } from '../support/jobContext';

const RECIPIENTS = 1200;

/** A send process killed with SIGKILL mid-batch, then the send run again: no one twice, no one missed. */
describe('a campaign send killed with kill -9', () => {
  let dataDir: string;
  let store: Store;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'campaigns-kill-'));
  });
  afterAll(async () => {
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('resumes in another process without sending anyone twice', async () => {
    store = await openStore({ dataDir, dbName: 'test' });
    await applyIndexes(store.db, campaignIndexes);
    const audience = await createEntity(store.db, entities.audience, { name: 'All' });
    const rows = Array.from({ length: RECIPIENTS }, (_, i) => ({ email: `k${i}@example.com`, attributes: {} }));
    await upsertMembersIntoAudience(store.db, audience._id, rows, { overwrite: false });
    const sender = await createEntity(store.db, entities.sender, { name: 'S', email: 's@example.com' });
    const template = await createEntity(store.db, entities.template, {
      name: 'T',
      type: 'plain',
      subject: 'x',
      text: 'hi https://example.com',
    });
    const campaign = await createCampaign(store.db, {
      name: 'K',
      templateId: template._id,
      senderId: sender._id,
      audienceIds: [audience._id],
    });
    await store.db
      .collection<CampaignDoc>(C.campaigns)
      .updateOne({ _id: campaign._id }, { $set: { status: 'SCHEDULED', sendAt: new Date(), sendKey: 'k1' } });

    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, 'sendChild.ts'), dataDir, campaign._id, 'k1'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // kill it in the middle of its third batch (batches are 200)
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line === 'delivered 530' || line === 'done') {
        child.kill('SIGKILL');
        break;
      }
    }
    await exited;
    const recipients = store.db.collection<RecipientDoc>(C.recipients);
    const before = await store.db.collection('outbox').countDocuments({});
    expect(before).toBeGreaterThanOrEqual(530);
    expect(before).toBeLessThan(RECIPIENTS);
    expect(await recipients.countDocuments({ campaignId: campaign._id, status: 'PENDING' })).toBeGreaterThan(
      RECIPIENTS - before,
    );

    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      TRACKING_SECRET: 'child-tracking-secret-0123456789',
    });
    const sending = {
      db: store.db,
      messaging: new OutboxMessaging(store.db),
      site: trackingSite(config),
      suppressions: new SuppressionList(store.db, privacySecret(config)),
    };
    const result = await performSend(
      sending,
      { campaignId: campaign._id, sendKey: 'k1' },
      testJobContext({ jobId: 'retry' }),
    );
    expect(result.outcome).toBe('SENT');
    const outbox = await store.db.collection('outbox').find({}).toArray();
    expect(outbox).toHaveLength(RECIPIENTS);
    expect(new Set(outbox.map((message) => message.to)).size).toBe(RECIPIENTS);
    expect(await recipients.countDocuments({ campaignId: campaign._id, status: 'SENT' })).toBe(RECIPIENTS);
  }, 60_000);
});
