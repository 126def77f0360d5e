/**
 * How many SMS parts a text takes, as carriers bill and rate-limit it. A text written only in
 * the GSM-7 alphabet (3GPP TS 23.038) fits 160 septets in one part, or 153 per part once split
 * (the rest holds the reassembly header); the extension table's characters take an escape and
 * count 2. Any other character moves the whole text to UCS-2: 70 UTF-16 units in one part, 67 per
 * part split, an emoji (a surrogate pair) counting 2. A part never splits an escape or a pair.
 */

const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

/** Twilio and AWS refuse longer bodies (counted in characters). */
export const SMS_MAX_CHARACTERS = 1600;

const LIMITS = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
} as const;

export type SmsEncoding = keyof typeof LIMITS;

export interface SmsMeasure {
  encoding: SmsEncoding;
  /** Characters (code points), as the 1,600 limit counts them. */
  characters: number;
  /** Septets (GSM-7) or UTF-16 units (UCS-2). */
  units: number;
  segments: number;
}

const isGsm7 = (char: string) => GSM7_BASIC.has(char) || GSM7_EXTENSION.has(char);

export function measureSms(body: string): SmsMeasure {
  const chars = [...body];
  const encoding: SmsEncoding = chars.every(isGsm7) ? 'GSM-7' : 'UCS-2';
  const costs = chars.map((char) => (encoding === 'GSM-7' ? (GSM7_EXTENSION.has(char) ? 2 : 1) : char.length));
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  const { single, part } = LIMITS[encoding];
  return {
    encoding,
    characters: chars.length,
    units,
    segments: units <= single ? (units > 0 ? 1 : 0) : parts(costs, part),
  };
}

/** Fills parts greedily, each character whole in one part. */
function parts(costs: number[], capacity: number): number {
  let count = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > capacity) {
      count += 1;
      used = 0;
    }
    used += cost;
  }
  return count;
}

/** Why a body cannot be sent as one text, or null when it can. */
export function smsBodyProblem(body: string): string | null {
  if (body.trim() === '') return 'the text is empty';
  const { characters } = measureSms(body);
  if (characters > SMS_MAX_CHARACTERS)
    return `${characters} characters: at most ${SMS_MAX_CHARACTERS.toLocaleString('en-US')}`;
  return null;
}
