import type { FanCampaigns } from './fanCampaigns';
import type { CampaignCreate } from './campaignInput';

const DAY_MS = 24 * 3_600_000;

/**
 * The demo's two fan campaigns (fictional artists): a four-market arena tour scored LINEAR and a
 * three-market club tour scored LOG, in US, UK and Canadian time zones, registration open from a
 * week before `now` to three weeks after. Fixed ids, so docs and dashboards can name them.
 */
export function demoFanCampaigns(now = new Date()): CampaignCreate[] {
  const registrationOpensAt = new Date(now.getTime() - 7 * DAY_MS);
  const registrationClosesAt = new Date(now.getTime() + 21 * DAY_MS);
  return [
    {
      id: 'demo-aurora-tour',
      name: 'Aurora Lights: Northern Skies Tour presale',
      artist: 'Aurora Lights',
      scoringType: 'LINEAR',
      registrationOpensAt,
      registrationClosesAt,
      markets: [
        market('nyc', 'Madison Square Garden', 'New York', 'US', 'America/New_York', 20_000, 8_000),
        market('lax', 'Crypto.com Arena', 'Los Angeles', 'US', 'America/Los_Angeles', 15_000, 6_000),
        market('lon', 'The O2', 'London', 'GB', 'Europe/London', 15_000, 6_000),
        market('tor', 'Scotiabank Arena', 'Toronto', 'CA', 'America/Toronto', 10_000, 4_000),
      ],
    },
    {
      id: 'demo-velvet-echo',
      name: 'Velvet Echo: Small Rooms club tour presale',
      artist: 'Velvet Echo',
      scoringType: 'LOG',
      registrationOpensAt,
      registrationClosesAt,
      markets: [
        market('chi', 'Metro', 'Chicago', 'US', 'America/Chicago', 5_000, 1_000),
        market('man', 'Albert Hall', 'Manchester', 'GB', 'Europe/London', 4_000, 800),
        market('van', 'Commodore Ballroom', 'Vancouver', 'CA', 'America/Vancouver', null, 900),
      ],
    },
  ];
}

function market(
  id: string,
  name: string,
  city: string,
  country: string,
  timeZone: string,
  registrationLimit: number | null,
  selectionLimit: number | null,
) {
  return { id, name, city, country, timeZone, registrationLimit, selectionLimit };
}

/** Creates and opens the demo campaigns not there yet (a rerun of the demo changes nothing). */
export async function createDemoFanCampaigns(campaigns: FanCampaigns, now = new Date()): Promise<string[]> {
  const ids: string[] = [];
  for (const input of demoFanCampaigns(now)) {
    const id = input.id!;
    ids.push(id);
    if (await campaigns.find(id)) continue;
    await campaigns.create(input, now);
    await campaigns.open(id, now);
  }
  return ids;
}
