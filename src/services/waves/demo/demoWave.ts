import { Readable } from 'node:stream';
import type { Logger } from '../../../logger';
import { createDemoFanCampaigns } from '../../fans/campaigns/demo';
import type { FanCampaigns } from '../../fans/campaigns/fanCampaigns';
import type { WaveServices } from '../services';

export const DEMO_WAVE_CAMPAIGN = 'demo-aurora-tour';
export const DEMO_WAVE_NAME = 'Demo: Aurora Lights presale codes';
/** Soon enough to watch, late enough to start the service first. */
const START_IN_MS = 2 * 60_000;

/** Fictional fans on the 555-01xx numbers kept for fiction, in three of the tour's markets. */
const DEMO_RECIPIENTS = [
  'userId,email,phone,firstName,market,link',
  'demo-fan-1,ava.demo@example.com,(212) 555-0101,Ava,nyc,https://example.com/aurora/nyc',
  'demo-fan-2,ben.demo@example.com,(213) 555-0102,Ben,lax,https://example.com/aurora/lax',
  'demo-fan-3,cleo.demo@example.com,(416) 555-0103,Cleo,tor,https://example.com/aurora/tor',
  'demo-fan-4,dev.demo@example.com,(646) 555-0104,Dev,nyc,https://example.com/aurora/nyc',
  'demo-fan-5,eli.demo@example.com,,Eli,lax,https://example.com/aurora/lax',
].join('\n');

/**
 * The waves' demo: a wave of five fictional fans of the demo tour (one with no phone, reached by
 * the fallback e-mail), each with an offer code, on the outbox engine, SCHEDULED two minutes
 * ahead: with the service running, `wave(id)` shows it go out. A rerun finds it and does nothing.
 */
export async function writeDemoWave(
  deps: { services: WaveServices; campaigns: FanCampaigns; logger: Logger },
  now = new Date(),
): Promise<void> {
  const { services, logger } = deps;
  await createDemoFanCampaigns(deps.campaigns, now);
  const existing = await services.queries.list({ campaignId: DEMO_WAVE_CAMPAIGN }, { first: 100 });
  if (existing.edges.some((edge) => edge.node.name === DEMO_WAVE_NAME)) return;
  const wave = await services.uploads.createNow({
    source: Readable.from([DEMO_RECIPIENTS]),
    filename: 'demo-wave.csv',
    requestedBy: 'demo',
    config: {
      campaignId: DEMO_WAVE_CAMPAIGN,
      name: DEMO_WAVE_NAME,
      notifyDate: new Date(now.getTime() + START_IN_MS),
      generateOfferCode: true,
      messageTemplate:
        'Hi {{firstName}}! Your Aurora Lights presale code is {{code}}. Tickets: {{link}} Reply STOP to opt out',
      emailSubjectTemplate: 'Your Aurora Lights presale code',
      emailTemplate: 'Hi {{firstName}},\n\nYour presale code is {{code}}. Tickets: {{link}}\n',
      sender: '+15555550100',
      senderKind: 'LONG_CODE',
      messageType: 'TRANSACTIONAL',
    },
  });
  const scheduled = await services.lifecycle.schedule(wave._id, null);
  logger.info(
    { waveId: wave._id, notifyDate: scheduled.config.notifyDate },
    `demo wave ${wave._id} scheduled: query wave(id: "${wave._id}") to watch it go out`,
  );
}
