import type { App, CliCommand } from '../../app';
import { AppError, badInput } from '../../errors';
import { failedSyncResult, runTrackingSync, type TrackingSyncHost } from './runTrackingSync';
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

/**
 * `sync-tracking`: runs the sync in this process (not as a job) and prints the seed's response
 * JSON; exit code 1 when it failed, as a scheduler or script expects.
 */
export function syncTrackingCommand(host: (app: App) => TrackingSyncHost): CliCommand {
  return {
    description: 'Syncs pixel-tracking aggregates into performance entries now and prints the result JSON',
    usage: 'sync-tracking [--date YYYY-MM-DD] [--days N] [--publication CODE] [--dry-run]',
    async run(app, flags) {
      const input = syncInputFromFlags(flags);
      const started = Date.now();
      let code = 0;
      let result;
      try {
        result = await runTrackingSync(host(app), input);
      } catch (error) {
        if (error instanceof AppError && error.code === 'BAD_USER_INPUT') throw error;
        result = failedSyncResult(input, error, Date.now() - started);
        code = 1;
      }
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return code;
    },
  };
}
