import { resolve } from 'node:path';
import { loadConfig, type Config } from '../config';
import { openStore } from '../datasources/store';
import { checkFlags, UsageError } from '../features/commandLine';
import { backupToFolder } from '../services/backups/backupToFolder';
import { restoreFromFolder } from '../services/backups/restoreFromFolder';
import type { OfflineCommand } from './offlineCommand';

const onMongo = (config: Config, what: string) =>
  config.MONGODB_URI
    ? new UsageError(
        `${what} the embedded store, and the store is MongoDB (MONGODB_URI): use mongodump and mongorestore, ` +
          "or your provider's snapshots (docs/operations.md#backups)",
      )
    : undefined;

/** The embedded store's backup and restore (docs/operations.md#backups). */
export const storeCommands: Record<string, OfflineCommand> = {
  backup: {
    description:
      'Copies the embedded store (LMDB snapshot, compacted) into a new or empty folder, while the service runs or not',
    usage: 'backup --to DIR',
    async run({ flags }) {
      const { to } = checkFlags(flags, { required: ['to'] });
      const config = loadConfig();
      const refused = onMongo(config, 'backup copies');
      if (refused) throw refused;
      // Read-only: no writer lock, so it runs beside the service and sees every commit it made.
      const store = await openStore({
        dataDir: config.DATA_DIR,
        dbName: config.MONGODB_DB_NAME,
        ttlIntervalMs: config.STORE_TTL_INTERVAL_SECONDS * 1000,
        oplogRetentionMs: config.STORE_OPLOG_RETENTION_HOURS * 3_600_000,
        oplogMaxEntries: config.STORE_OPLOG_MAX_ENTRIES,
        watchPollMs: config.STORE_WATCH_POLL_MS,
        access: 'readOnly',
      });
      const folder = resolve(to!);
      try {
        const manifest = await backupToFolder({ snapshot: store.snapshot!, dataDir: config.DATA_DIR, to: folder });
        process.stdout.write(
          `Backed up ${config.DATA_DIR} as of ${manifest.createdAt} into ${folder} ` +
            `(${manifest.file.bytes} bytes, sha256 ${manifest.file.sha256}).\n` +
            `Restore it into an empty data directory with: npm run cli -- restore --from ${folder}\n`,
        );
        return 0;
      } finally {
        await store.close();
      }
    },
  },
  restore: {
    description: 'Restores a backup folder into DATA_DIR, which must be empty and used by no process',
    usage: 'restore --from DIR',
    async run({ flags }) {
      const { from } = checkFlags(flags, { required: ['from'] });
      const config = loadConfig();
      const refused = onMongo(config, 'restore fills');
      if (refused) throw refused;
      const manifest = await restoreFromFolder({
        from: resolve(from!),
        dataDir: config.DATA_DIR,
        holder: 'cli restore',
      });
      process.stdout.write(
        `Restored the store as of ${manifest.createdAt} (from ${manifest.source.dataDir} on ${manifest.source.host}) ` +
          `into ${config.DATA_DIR}. Copy objects/ and secrets/ back (they are not in a store backup), then start ` +
          'the service on it: at start it re-applies the erasures recorded since the backup (docs/operations.md#backups).\n',
      );
      return 0;
    },
  },
};
