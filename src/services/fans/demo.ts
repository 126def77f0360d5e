import { Readable } from 'node:stream';
import type { Logger } from '../../logger';
import { seededRandom } from '../seededRandom';
import { createDemoFanCampaigns, demoFanCampaigns } from './campaigns/demo';
import type { CodeAssignmentRecord, RegistrationRecord } from './records';
import type { FanServices } from './services';

const DAY_MS = 86_400_000;
const BATCH = 5_000;
const FIRST_NAMES = ['Ava', 'Ben', 'Chloe', 'Dev', 'Ella', 'Finn', 'Grace', 'Hugo', 'Isla', 'Jay', 'Kira', 'Leo'];
/** Dialling prefixes that libphonenumber-js reads as valid numbers of each demo country. */
const PHONE_PREFIX: Record<string, string> = { US: '+1212555', CA: '+1416555', GB: '+447911' };
const BLACKLISTED_DOMAIN = 'spam.example';
const DEMO_BY = 'demo';

/**
 * The fan campaigns' demo data: the two demo campaigns (open), `registrations` fans registered
 * over the last week (70% on the arena tour), a blacklisted domain, the data-science scored file
 * of the arena tour and a pool of its codes (both taken in by jobs, as an operator's uploads
 * are), and TM codes given to the club tour's best fans through the code-assignment pipeline.
 */
export async function writeFanDemo(services: FanServices, registrations: number, logger: Logger): Promise<void> {
  const now = new Date();
  const [arena, club] = await createDemoFanCampaigns(services.campaigns, now);
  const random = seededRandom(17);
  const campaigns = demoFanCampaigns(now);
  const fans: RegistrationRecord[] = [];
  for (let i = 0; i < registrations; i++) {
    const campaign = i % 10 < 7 ? campaigns[0]! : campaigns[1]!;
    const markets = campaign.markets;
    const first = markets[Math.floor(random() * markets.length)]!;
    const second = markets[Math.floor(random() * markets.length)]!;
    const preferences = first.id === second.id ? [first.id] : [first.id, second.id];
    const userId = `demo-fan-${i}`;
    const domain = i % 97 === 0 ? BLACKLISTED_DOMAIN : 'example.com';
    const consent = random() < 0.7;
    fans.push({
      type: 'registration',
      campaignId: campaign.id!,
      userId,
      email: `fan${i}@${domain}`,
      phone: random() < 0.9 ? `${PHONE_PREFIX[first.country]}${String(100_000 + i).slice(-4)}` : null,
      firstName: FIRST_NAMES[i % FIRST_NAMES.length]!,
      marketPreferences: preferences,
      smsConsentSource: consent ? 'registration form' : null,
      smsConsentAt: consent ? now.getTime() - Math.floor(random() * 6 * DAY_MS) : null,
      registeredAt: now.getTime() - Math.floor(random() * 6 * DAY_MS),
    });
  }
  for (let start = 0; start < fans.length; start += BATCH) {
    await services.registrations.handle(fans.slice(start, start + BATCH));
  }
  await services.blacklist.add([{ kind: 'DOMAIN', value: BLACKLISTED_DOMAIN }], DEMO_BY);
  await uploadScoredFile(services, arena!, fans, random);
  await uploadCodes(services, arena!, Math.ceil(registrations / 10));
  await giveTmCodes(services, club!, fans);
  for (const id of [arena!, club!]) await services.stats.snapshots.save(id, 'demo');
  logger.info({ campaigns: [arena, club], registrations }, 'fan demo written');
}

/** The data-science file of the arena tour: every registrant scored, one in fifty twice. */
async function uploadScoredFile(
  services: FanServices,
  campaignId: string,
  fans: RegistrationRecord[],
  random: () => number,
): Promise<void> {
  const lines = ['campaignId\tuserId\temail\tphone\tscore'];
  for (const fan of fans) {
    if (fan.campaignId !== campaignId) continue;
    const row = (score: number) =>
      `${campaignId}\t${fan.userId}\t${fan.email}\t${fan.phone ?? ''}\t${score.toFixed(4)}`;
    lines.push(row(random()));
    if (random() < 0.02) lines.push(row(random()));
  }
  await services.scoring.scoredFiles.upload({
    campaignId,
    source: Readable.from([lines.join('\n') + '\n']),
    filename: 'registrants.txt',
    requestedBy: DEMO_BY,
  });
}

/** NON_TM codes for the arena tour's pool, uploaded as an operator's code file. */
async function uploadCodes(services: FanServices, campaignId: string, count: number): Promise<void> {
  const codes = Array.from({ length: count }, (_, i) => `AUR${String(i).padStart(7, '0')}`);
  await services.codes.upload({
    campaignId,
    poolName: 'presale',
    source: Readable.from([['code', ...codes].join('\n') + '\n']),
    filename: 'aurora-codes.csv',
    requestedBy: DEMO_BY,
  });
}

/** TM codes (issued by the ticketing side) given to the first fans of the club tour. */
async function giveTmCodes(services: FanServices, campaignId: string, fans: RegistrationRecord[]): Promise<void> {
  const chosen = fans.filter((fan) => fan.campaignId === campaignId).slice(0, 300);
  const records: CodeAssignmentRecord[] = chosen.map((fan, i) => ({
    type: 'codeAssignment',
    campaignId,
    userId: fan.userId,
    email: null,
    code: `VE-TM-${String(i).padStart(5, '0')}`,
    codeKind: 'TM',
    selectedEvents: [`${fan.marketPreferences[0]}-night-1`],
    refresh: false,
    waveId: null,
    idempotencyKey: `demo:${fan.userId}`,
    assignedAt: Date.now(),
  }));
  await services.assignment.handle(records);
}
