import { STORE_BACKUP_JOB, storeBackupJob } from '../services/backups/storeBackup.job';
import { defineFeature } from './feature';

/**
 * Backups of the embedded store: scheduled ones to the objects port here; `backup` and `restore`
 * are CLI commands of their own (src/cli/storeCommands.ts), run beside the service or without it.
 */
export const backupsFeature = defineFeature({
  name: 'backups',
  jobTypes: (app) => [
    storeBackupJob({
      store: app.store,
      objects: app.ports.objects,
      dataDir: app.config.DATA_DIR,
      keep: app.config.BACKUP_KEEP,
    }),
  ],
  schedules: [
    {
      name: 'STORE_BACKUP',
      cron: '0 3 * * *',
      jobType: STORE_BACKUP_JOB,
      optIn: true,
      description: 'A snapshot of the embedded store to backups/ on the objects port, the last BACKUP_KEEP kept',
    },
  ],
});
