import type { Notification } from '../../../datasources/notifier/port';
import type { CountBy, FanCampaignDoc } from '../model';
import { NO_MARKET, type StatsFigures } from './figures';

/** The figures a Slack message was built from, kept to tell the growth in the next one. */
export interface PostedFigures {
  at: Date;
  registrations: number;
  perMarket: CountBy[];
}

/** Slack's Block Kit limits: a section's text, a field's text, a header's text. */
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const HEADER_MAX = 150;
/** Slack truncates `text` past 40,000 characters; stay under it. */
const TEXT_MAX = 39_000;

const number = (value: number) => value.toLocaleString('en-US');
const signed = (value: number) => (value >= 0 ? `+${number(value)}` : `-${number(-value)}`);
/** Slack reads &, < and > as markup: names from operators are escaped. */
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const minute = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * The 30-minute Slack message of one campaign (seed 004 slackStats): registrations and their
 * growth since the previous message, each market against its registration limit, verdicts and
 * codes. `text` says it all in mrkdwn (notifications, fallbacks); the blocks lay it out.
 */
export function statsMessage(
  campaign: FanCampaignDoc,
  figures: StatsFigures,
  previous: PostedFigures | null,
  metadata: Record<string, string>,
): Notification {
  const title = `${campaign.artist}: ${campaign.name}`;
  const registrations = registrationsLine(figures, previous);
  const markets = marketLines(campaign, figures.registrations.perMarket, previous);
  const verdicts = verdictLine(figures);
  const codes = codesLine(figures);
  const text = cut([`*${escape(title)}*`, registrations, 'Markets:', ...markets, verdicts, codes].join('\n'), TEXT_MAX);
  const blocks = [
    { type: 'header', text: { type: 'plain_text', text: cut(title, HEADER_MAX) } },
    { type: 'section', text: { type: 'mrkdwn', text: registrations } },
    { type: 'section', text: { type: 'mrkdwn', text: fitLines(['*Markets*', ...markets], SECTION_MAX) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: cut(verdicts.replace('Verdicts: ', '*Verdicts*\n'), FIELD_MAX) },
        { type: 'mrkdwn', text: codes.replace('Codes: ', '*Codes*\n') },
      ],
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Campaign ${escape(campaign._id)}` }] },
  ];
  return { text, blocks, metadata };
}

function registrationsLine(figures: StatsFigures, previous: PostedFigures | null): string {
  const { total } = figures.registrations;
  const growth = previous ? `${signed(total - previous.registrations)} since ${minute(previous.at)}` : 'first report';
  return `Registrations: *${number(total)}* (${growth}), ${number(figures.scored)} scored`;
}

/** The campaign's markets in its order (registrations against the limit), then keys it lacks. */
function marketLines(campaign: FanCampaignDoc, perMarket: CountBy[], previous: PostedFigures | null): string[] {
  const counts = new Map(perMarket.map(({ key, count }) => [key, count]));
  const before = previous ? new Map(previous.perMarket.map(({ key, count }) => [key, count])) : null;
  const growth = (key: string, count: number) => (before ? ` (${signed(count - (before.get(key) ?? 0))})` : '');
  const lines = campaign.markets.map(({ id, name, registrationLimit }) => {
    const count = counts.get(id) ?? 0;
    counts.delete(id);
    return `• ${escape(name)}: ${number(count)} ${againstLimit(count, registrationLimit)}${growth(id, count)}`;
  });
  for (const [key, count] of counts) {
    const label = key === NO_MARKET ? 'No market' : `Unknown market ${escape(key)}`;
    lines.push(`• ${label}: ${number(count)}${growth(key, count)}`);
  }
  return lines.length ? lines : ['• none'];
}

function againstLimit(count: number, limit: number | null): string {
  if (limit === null) return 'no limit';
  const share = ((100 * count) / Math.max(limit, 1)).toFixed(1);
  return `of ${number(limit)} (${share}%)${count > limit ? ' *over the limit*' : ''}`;
}

function codesLine({ codes }: StatsFigures): string {
  const { available, reserved, assigned } = codes;
  return `Codes: ${number(available)} available, ${number(reserved)} reserved, ${number(assigned)} assigned`;
}

function verdictLine({ verdicts }: StatsFigures): string {
  const reasons = verdicts.droppedByReason.map(({ key, count }) => `${escape(key)} ${number(count)}`).join(', ');
  const dropped = `${number(verdicts.dropped)} dropped${reasons ? ` (${reasons})` : ''}`;
  return `Verdicts: ${number(verdicts.selected)} selected, ${dropped}`;
}

/** As many whole lines as fit in `max` characters, then how many were left out. */
function fitLines(lines: string[], max: number): string {
  const room = max - 20;
  let length = 0;
  for (const [index, line] of lines.entries()) {
    length += line.length + 1;
    if (length > room) return [...lines.slice(0, index), `…and ${lines.length - index} more`].join('\n');
  }
  return lines.join('\n');
}
