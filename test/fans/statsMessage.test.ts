import type { StatsFigures } from '../../src/services/fans/stats/figures';
import { statsMessage } from '../../src/services/fans/stats/slackMessage';
import { market } from './statsSeed';
import type { FanCampaignDoc } from '../../src/services/fans/model';

const figures = (perMarket: { key: string; count: number }[]): StatsFigures => ({
  registrations: { total: perMarket.reduce((sum, { count }) => sum + count, 0), perMarket, perDay: [] },
  scored: 0,
  verdicts: { selected: 0, dropped: 0, droppedByReason: [] },
  codes: { available: 0, reserved: 0, assigned: 0 },
});

const campaign = (markets: FanCampaignDoc['markets'], artist = 'A'): FanCampaignDoc => ({
  _id: 'c1',
  name: 'Tour',
  artist,
  status: 'OPEN',
  scoringType: 'LINEAR',
  registrationOpensAt: null,
  registrationClosesAt: null,
  markets,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

type Block = { type: string; text?: { text: string } };

describe('the Slack stats message', () => {
  it("keeps within Block Kit's limits: the markets section cut with what was left out, the header cut", () => {
    const markets = Array.from({ length: 300 }, (_, i) => market(`m${i}`, `Market number ${i} of a long list`, 1000));
    const message = statsMessage(
      campaign(markets, 'x'.repeat(200)),
      figures(markets.map(({ id }) => ({ key: id, count: 12_345 }))),
      null,
      {},
    );
    const blocks = message.blocks as Block[];
    expect(blocks[0]!.text!.text.length).toBeLessThanOrEqual(150);
    const marketsText = blocks[2]!.text!.text;
    expect(marketsText.length).toBeLessThanOrEqual(3000);
    expect(marketsText).toMatch(/…and \d+ more$/);
    expect(message.text).toContain('• Market number 299 of a long list: 12,345 of 1,000 (1234.5%) *over the limit*');
  });

  it('escapes the characters Slack reads as markup, and names a campaign without markets', () => {
    const message = statsMessage(campaign([], '<Tom & Jerry>'), figures([]), null, {});
    expect(message.text.split('\n').slice(0, 4)).toEqual([
      '*&lt;Tom &amp; Jerry&gt;: Tour*',
      'Registrations: *0* (first report), 0 scored',
      'Markets:',
      '• none',
    ]);
  });

  it('tells a fall as a negative growth', () => {
    const previous = {
      at: new Date('2025-03-12T14:00:30Z'),
      registrations: 10,
      perMarket: [{ key: 'lon', count: 10 }],
    };
    const message = statsMessage(
      campaign([market('lon', 'London', null)]),
      figures([{ key: 'lon', count: 8 }]),
      previous,
      {},
    );
    expect(message.text).toContain('Registrations: *8* (-2 since 2025-03-12 14:00 UTC)');
    expect(message.text).toContain('• London: 8 no limit (-2)');
  });
});
