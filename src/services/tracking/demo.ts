import { createHash } from 'node:crypto';
import path from 'node:path';
import { ObjectId, type Db } from '../../datasources/store';
import { formatIsoDate } from './dateRange';
import { INSERTION_ORDERS, TRACKING_SCRIPTS } from './orderLookup';
import { cloudFrontLine, writeLogFile, type PixelRequest } from './pixelLogFiles';
import { DEFAULT_PUBLICATION_CODES } from './publicationCodes';
import { AD_CAMPAIGNS } from './relatedDocuments';
import { PUBLICATIONS } from './syncTracking';

const PUBLICATION_NAMES: Record<string, string> = {
  chireader: 'Chicago Reader',
  suntimes: 'Chicago Sun-Times',
  tribune: 'Chicago Tribune',
  wbez: 'WBEZ',
  wvon: 'WVON',
  wrll: 'WRLL',
  chirp: 'CHIRP Radio',
  e3radio: 'E3 Radio',
  ssweekly: 'South Side Weekly',
  triibe: 'The TRiiBE',
  ndigo: "N'DIGO",
  hydepark: 'Hyde Park Herald',
  evanstonrt: 'Evanston RoundTable',
  streetwise: 'StreetWise',
};

interface DemoCreative {
  creativeId: string;
  campaignId: string;
  publicationCode: string;
  channel: string;
  adSize: string;
  /** Strategy 1 (a tracking script) or 2 (campaign id parsed from the creative id). */
  scripted: boolean;
}

const CAMPAIGNS = [
  { campaignId: 'camp-holiday-2025', name: 'Holiday Shopping Local', advertiser: 'Chicago Small Business Alliance' },
  { campaignId: 'camp-transit', name: 'Ride the L', advertiser: 'Regional Transit' },
  { campaignId: 'camp-health', name: 'Flu Shot Reminder', advertiser: 'Cook County Health' },
];

const CREATIVES: DemoCreative[] = [
  {
    creativeId: 'cr_camp-holiday-2025_300x250',
    campaignId: 'camp-holiday-2025',
    publicationCode: 'chireader',
    channel: 'website',
    adSize: '300x250',
    scripted: true,
  },
  {
    creativeId: 'cr_camp-holiday-2025_728x90',
    campaignId: 'camp-holiday-2025',
    publicationCode: 'chireader',
    channel: 'website',
    adSize: '728x90',
    scripted: true,
  },
  {
    creativeId: 'cr_camp-holiday-2025_nl',
    campaignId: 'camp-holiday-2025',
    publicationCode: 'suntimes',
    channel: 'newsletter_image',
    adSize: '600x200',
    scripted: true,
  },
  {
    creativeId: 'cr_camp-transit_banner',
    campaignId: 'camp-transit',
    publicationCode: 'wbez',
    channel: 'streaming',
    adSize: '30s',
    scripted: false,
  },
  {
    creativeId: 'creative_camp-transit_sq',
    campaignId: 'camp-transit',
    publicationCode: 'triibe',
    channel: 'website',
    adSize: '300x250',
    scripted: false,
  },
  {
    creativeId: 'cr_camp-health_text',
    campaignId: 'camp-health',
    publicationCode: 'hydepark',
    channel: 'newsletter_text',
    adSize: '468x60',
    scripted: true,
  },
  {
    creativeId: 'cr_camp-health_leader',
    campaignId: 'camp-health',
    publicationCode: 'evanstonrt',
    channel: 'website',
    adSize: '728x90',
    scripted: false,
  },
];

/** Pixels nobody can place: a retired creative and a publication outside the table, to show skips. */
const STRAY_CREATIVES = [
  { creativeId: 'cr_retired-campaign_1', publicationCode: 'chireader', channel: 'website', adSize: '300x250' },
  { creativeId: 'cr_camp-transit_banner', publicationCode: 'unknownpub', channel: 'website', adSize: '300x250' },
];

/** A stable ObjectId per name, so running the demo twice rewrites the same documents. */
function demoId(name: string): ObjectId {
  return new ObjectId(createHash('sha1').update(`tracking-demo:${name}`).digest('hex').slice(0, 24));
}

async function writeDocuments(db: Db): Promise<void> {
  await db.collection(PUBLICATIONS).bulkWrite(
    Object.entries(DEFAULT_PUBLICATION_CODES).map(([code, publicationId]) => ({
      updateOne: {
        filter: { publicationId },
        update: { $set: { publicationId, publicationCode: code, name: PUBLICATION_NAMES[code] ?? code } },
        upsert: true,
      },
    })),
  );
  await db.collection(AD_CAMPAIGNS).bulkWrite(
    CAMPAIGNS.map((c) => ({
      updateOne: { filter: { campaignId: c.campaignId }, update: { $set: { ...c, status: 'active' } }, upsert: true },
    })),
  );
  const orderKeys = new Map(CREATIVES.map((c) => [`${c.campaignId}:${c.publicationCode}`, c]));
  await db.collection(INSERTION_ORDERS).bulkWrite(
    [...orderKeys.entries()].map(([key, c]) => {
      const publicationId = DEFAULT_PUBLICATION_CODES[c.publicationCode];
      const publicationName = PUBLICATION_NAMES[c.publicationCode];
      const items = [
        { itemPath: `print-${c.publicationCode}-half-page`, itemName: 'Half page (print)', channel: 'print' },
        {
          itemPath: `${c.channel}-${c.adSize}`,
          itemName: `${publicationName} ${c.channel} ${c.adSize}`,
          channel: c.channel.replace(/_.*/, ''),
        },
      ];
      const order = {
        campaignId: c.campaignId,
        publicationId,
        publicationName,
        status: 'confirmed',
        selectedInventory: { publications: [{ publicationId, inventoryItems: items }] },
      };
      return { replaceOne: { filter: { _id: demoId(`order:${key}`) }, replacement: order, upsert: true } };
    }),
  );
  await db.collection(TRACKING_SCRIPTS).bulkWrite(
    CREATIVES.filter((c) => c.scripted).map((c) => {
      const publicationId = DEFAULT_PUBLICATION_CODES[c.publicationCode];
      const script = {
        creativeId: c.creativeId,
        publicationId,
        campaignId: c.campaignId,
        channel: c.channel,
        creative: { name: `${c.adSize} ${c.channel}` },
      };
      return { replaceOne: { filter: { creativeId: c.creativeId, publicationId }, replacement: script, upsert: true } };
    }),
  );
}

/** Pixel requests of one day: a few hundred impressions per creative, some viewable, a few clicks. */
function dayRequests(date: string, seed: number): PixelRequest[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const requests: PixelRequest[] = [];
  for (const creative of [...CREATIVES, ...STRAY_CREATIVES]) {
    const impressions = 150 + Math.floor(next() * 350);
    for (let i = 0; i < impressions; i++) {
      const base = {
        date,
        time: `${String(Math.floor(next() * 24)).padStart(2, '0')}:15:00`,
        ip: `198.51.100.${Math.floor(next() * 200)}`,
        ...creative,
      };
      requests.push({ ...base, event: 'impression' });
      if (next() < 0.6) requests.push({ ...base, event: 'viewable' });
      if (next() < 0.02) requests.push({ ...base, event: 'click', status: 302 });
    }
  }
  return requests;
}

/**
 * The tracking part of the demo data set: the seed's publications (with publicationCode),
 * campaigns, orders, tracking scripts, and gzipped CloudFront pixel logs for the last `days`
 * days in `logsDir`, so a sync on a fresh start makes entries. Safe to run again.
 */
export async function writeTrackingDemo(
  db: Db,
  logsDir: string,
  options: { days?: number; now?: Date } = {},
): Promise<{ files: number; requests: number }> {
  await writeDocuments(db);
  const now = options.now ?? new Date();
  let requests = 0;
  const days = options.days ?? 7;
  for (let back = 1; back <= days; back++) {
    const date = formatIsoDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - back)));
    const lines = dayRequests(date, back * 7919).map((request) => cloudFrontLine(request));
    requests += lines.length;
    await writeLogFile(path.join(logsDir, date.slice(0, 4), date.slice(5, 7)), `E1DEMO.${date}-00.demo.gz`, lines);
  }
  return { files: days, requests };
}
