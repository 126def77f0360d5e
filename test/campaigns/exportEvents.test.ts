import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { exportRange, exportSincePosition } from '../../src/services/campaigns/exportEvents';
import { CampaignEventRecorder } from '../../src/services/campaigns/recordEvents';
import { openCampaignApp, type CampaignApp } from './fixture';

async function bytes(app: CampaignApp, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await app.ports.objects.get(key))!.body as Readable) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('raw campaign event export', () => {
  let app: CampaignApp;
  let clock: Date;
  let recorder: CampaignEventRecorder;
  const H = Date.parse('2026-03-01T10:00:00Z');
  const hour = 3_600_000;

  beforeEach(async () => {
    app = await openCampaignApp();
    recorder = new CampaignEventRecorder(app.db, { clock: () => clock });
  });
  afterEach(() => app.close());

  const record = async (at: number, count: number) => {
    clock = new Date(at);
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        recorder.record({
          type: i % 2 ? 'CLICK' : 'OPEN',
          campaignId: 'c1',
          memberId: `m${i}`,
          linkIndex: i % 2 ? 0 : null,
        }),
      ),
    );
  };

  it('writes one deterministic file per hour; a re-run rewrites identical bytes', async () => {
    await record(H + 5 * 60_000, 7);
    await record(H + 50 * 60_000, 3);
    const first = await exportSincePosition(app.db, app.ports.objects, new Date(H + 2 * hour), 120_000);
    expect(first.files).toHaveLength(1);
    expect(first.files[0].key).toMatch(
      /^raw\/campaign_events\/dt=2026-03-01\/hour=10\/campaign_events_20260301T10_[0-9a-f]{16}\.ndjson\.gz$/,
    );
    expect(first.files[0].events).toBe(10);
    const original = await bytes(app, first.files[0].key);
    const records = gunzipSync(original)
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records).toHaveLength(10);
    expect(new Set(records.map((r) => r.event_id)).size).toBe(10);
    expect(records[0]).toMatchObject({ schema_version: 1, exported_at: '2026-03-01T11:00:00.000Z', campaign_id: 'c1' });
    expect(new Set(records.map((r) => r.export_batch_id)).size).toBe(1);

    const again = await exportRange(app.db, app.ports.objects, new Date(H), new Date(H + hour));
    expect(again.files.map((f) => f.key)).toEqual([first.files[0].key]);
    expect((await bytes(app, first.files[0].key)).equals(original)).toBe(true);
    expect(await app.ports.objects.list('raw/campaign_events/')).toHaveLength(1);
  });

  it('after new events, the scheduled run writes only the new range', async () => {
    await record(H + 60_000, 4);
    await exportSincePosition(app.db, app.ports.objects, new Date(H + hour + 5 * 60_000), 120_000);
    const [firstFile] = await app.ports.objects.list('raw/campaign_events/');
    const firstBytes = await bytes(app, firstFile.key);

    // nothing new: nothing written
    expect(
      (await exportSincePosition(app.db, app.ports.objects, new Date(H + hour + 30 * 60_000), 120_000)).files,
    ).toEqual([]);

    await record(H + 2 * hour + 60_000, 5);
    const next = await exportSincePosition(app.db, app.ports.objects, new Date(H + 4 * hour), 120_000);
    expect(next.files.map((f) => f.key)).toEqual([expect.stringContaining('hour=12/')]);
    expect(next.hoursScanned).toBe(2);
    expect(next.exportedUntil).toEqual(new Date(H + 3 * hour));
    const files = await app.ports.objects.list('raw/campaign_events/');
    expect(files.map((f) => f.key)).toEqual([firstFile.key, next.files[0].key]);
    expect((await bytes(app, firstFile.key)).equals(firstBytes)).toBe(true);
  });

  it('leaves an hour that has not closed (plus the lag) to a later run', async () => {
    await record(H + 59 * 60_000, 2);
    const early = await exportSincePosition(app.db, app.ports.objects, new Date(H + hour + 60_000), 120_000);
    expect(early.files).toEqual([]);
    const later = await exportSincePosition(app.db, app.ports.objects, new Date(H + hour + 3 * 60_000), 120_000);
    expect(later.files).toHaveLength(1);
  });
});
