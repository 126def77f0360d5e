import type { ParsedArgs } from '../features/commandLine';

/**
 * A command the CLI runs itself, before any app is composed and whatever process holds DATA_DIR:
 * schema emission (no store at all), and the embedded store's backup (a read-only open beside the
 * writer) and restore (into a data directory no process uses).
 */
export interface OfflineCommand {
  description: string;
  usage: string;
  run(args: ParsedArgs): Promise<number>;
}
