import type { Db } from '../../src/datasources/store';
import { createEntity, entities } from '../../src/services/campaigns/catalog';
import { createCampaign } from '../../src/services/campaigns/campaigns';
import { freezeAudience } from '../../src/services/campaigns/freezeAudience';
import { C, membershipId, recipientId, type MemberDoc, type MembershipDoc } from '../../src/services/campaigns/model';
import { cpuSecondsSince, line } from './support';

/**
 * Three overlapping audiences over the first half of the members (40%, 30% and 30% of
 * `memberships`), frozen into one campaign: the union is `memberships / 2` recipients.
 */
export async function freezeBench(db: Db, memberships: number): Promise<{ campaignId: string; audienceIds: string[] }> {
  const pool = memberships / 2;
  const ids = (
    await db
      .collection<MemberDoc>(C.members)
      .find({}, { projection: { _id: 1 }, sort: { _id: 1 }, limit: pool })
      .toArray()
  ).map((m) => m._id);
  if (ids.length < pool) throw new Error(`freeze needs ${pool} members, found ${ids.length}`);
  const slices = [ids.slice(0, pool * 0.8), ids.slice(pool * 0.4, pool), ids.slice(0, pool * 0.6)];
  const audienceIds: string[] = [];
  for (const [index, slice] of slices.entries()) {
    const audience = await createEntity(db, entities.audience, { name: `Overlap ${index}` });
    for (let i = 0; i < slice.length; i += 5000) {
      const docs = slice.slice(i, i + 5000).map((memberId) => ({
        _id: membershipId(audience._id, memberId),
        audienceId: audience._id,
        memberId,
        addedAt: new Date(),
      }));
      await db.collection<MembershipDoc>(C.memberships).insertMany(docs);
    }
    audienceIds.push(audience._id);
  }
  const sender = await createEntity(db, entities.sender, { name: 'Bench', email: 'bench@example.com' });
  const template = await createEntity(db, entities.template, {
    name: 'Bench',
    type: 'plain',
    subject: 'x',
    text: 'https://example.com',
  });
  const campaign = await createCampaign(db, {
    name: 'Freeze',
    templateId: template._id,
    senderId: sender._id,
    audienceIds,
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const size = await freezeAudience(db, campaign);
  line(
    'freeze',
    'freeze: covered audience ranges + bulk inserts',
    memberships,
    performance.now() - started,
    'memberships',
    cpuSecondsSince(cpu),
  );
  if (size !== pool) throw new Error(`expected ${pool} recipients, froze ${size}`);
  return { campaignId: campaign._id, audienceIds };
}

/** Baseline: memberships one at a time: read the member, skip seen e-mails, insert the recipient. */
export async function freezeBaseline(db: Db, audienceIds: string[], sample: number): Promise<void> {
  const seen = new Set<string>();
  const started = performance.now();
  const cpu = process.cpuUsage();
  let processed = 0;
  for await (const membership of db
    .collection<MembershipDoc>(C.memberships)
    .find({ audienceId: { $in: audienceIds } }, { limit: sample })) {
    processed += 1;
    const member = await db.collection<MemberDoc>(C.members).findOne({ _id: membership.memberId });
    if (!member || seen.has(member.email)) continue;
    seen.add(member.email);
    await db.collection(C.recipients).insertOne({
      _id: recipientId('baseline', member._id) as never,
      campaignId: 'baseline',
      memberId: member._id,
      email: member.email,
    });
  }
  line(
    'freezeBaseline',
    'freeze baseline: one membership at a time',
    processed,
    performance.now() - started,
    'memberships',
    cpuSecondsSince(cpu),
  );
}
