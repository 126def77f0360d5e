import { badInput } from '../../errors';
import type { SyncTrackingInput } from './syncTracking';

const FLAGS = new Set(['date', 'days', 'publication', 'dry-run']);

/** The sync's input from `--date D --days N --publication CODE --dry-run`. */
export function syncInputFromFlags(flags: Record<string, string | boolean>): SyncTrackingInput {
  const unknown = Object.keys(flags).find((name) => !FLAGS.has(name));
  if (unknown) throw badInput(`unknown flag --${unknown}`, unknown);
  const text = (name: string) => {
    const value = flags[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw badInput(`--${name} needs a value`, name);
    return value;
  };
  const days = text('days');
  if (days !== undefined && !/^\d+$/.test(days)) throw badInput('--days: a whole number', 'days');
  const dryRun = flags['dry-run'];
  if (dryRun !== undefined && dryRun !== true && dryRun !== 'true' && dryRun !== 'false') {
    throw badInput('--dry-run takes no value (or true/false)', 'dry-run');
  }
  return {
    date: text('date'),
    days: days === undefined ? undefined : Number(days),
    publicationCode: text('publication'),
    dryRun: dryRun === true || dryRun === 'true',
  };
}
