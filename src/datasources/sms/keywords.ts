/**
 * The keywords carriers and providers act on in an inbound text (the whole text, any case,
 * trimmed): Twilio's and AWS's opt-out, opt-in and help lists together. The outbox engine keeps
 * its own opt-out list with them, as the providers do; the waves read them the same way.
 */
const OPT_OUT = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'OPT-OUT', 'ARRET'];
const OPT_IN = ['START', 'YES', 'UNSTOP'];
const HELP = ['HELP', 'INFO'];

export type SmsKeyword = 'OPT_OUT' | 'OPT_IN' | 'HELP';

const KEYWORDS = new Map<string, SmsKeyword>([
  ...OPT_OUT.map((word) => [word, 'OPT_OUT'] as const),
  ...OPT_IN.map((word) => [word, 'OPT_IN'] as const),
  ...HELP.map((word) => [word, 'HELP'] as const),
]);

/** What an inbound text asks for, or null when it is no keyword. */
export function smsKeyword(body: string): SmsKeyword | null {
  return KEYWORDS.get(body.trim().toUpperCase()) ?? null;
}
