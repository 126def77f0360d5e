/**
 * What a code looks like: 4 to 64 letters, digits, `-` and `_`, kept as written (case matters:
 * the ticketing side compares codes exactly). Offer codes (XXXX-XXXX-XXXX) fit the same rule.
 */
const CODE = /^[A-Za-z0-9_-]{4,64}$/;

export const CODE_RULE = '4 to 64 letters, digits, - and _';

/** The code trimmed, or null when it breaks the rule. */
export function formatCode(raw: unknown): string | null {
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const code = String(raw).trim();
  return CODE.test(code) ? code : null;
}

const MAX_POOL_NAME = 100;

/** A pool's name trimmed, or why it cannot be one. */
export function checkPoolName(raw: string): { name: string } | { error: string } {
  const name = raw.trim();
  if (name.length === 0) return { error: 'poolName: required' };
  if (name.length > MAX_POOL_NAME) return { error: `poolName: at most ${MAX_POOL_NAME} characters` };
  return { name };
}

/** A pool's id: one pool of a name per campaign, so an upload to a name adds to the same pool. */
export const poolIdOf = (campaignId: string, name: string) => `${campaignId}:${name}`;

const MAX_EVENTS = 100;
const MAX_EVENT_CHARS = 200;

/** Selected events trimmed, blanks and repeats dropped, or null when there are too many or one is too long. */
export function formatSelectedEvents(raw: readonly string[]): string[] | null {
  const events = [...new Set(raw.map((event) => event.trim()).filter(Boolean))];
  if (events.length > MAX_EVENTS || events.some((event) => event.length > MAX_EVENT_CHARS)) return null;
  return events;
}

export const SELECTED_EVENTS_RULE = `at most ${MAX_EVENTS} events of at most ${MAX_EVENT_CHARS} characters`;
