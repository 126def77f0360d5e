import type { App } from '../app';
import { PrivacyResolver } from '../resolvers/privacy/privacy.resolver';
import { clearRestoreMarker, readRestoreMarker } from '../services/backups/restoreMarker';
import type { ReapplyResult } from '../services/privacy/erase/reapplyErasures';
import { PRIVACY_EXPORTS_SWEEP_JOB } from '../services/privacy/export/exportsSweep.job';
import { privacyIndexes } from '../services/privacy/indexes';
import { privacyServices, type PrivacyServices } from '../services/privacy/privacyServices';
import { checkFlags, UsageError } from './commandLine';
import { defineFeature } from './feature';

function servicesOfApp(app: App): PrivacyServices {
  return privacyServices({
    db: app.db,
    objects: app.ports.objects,
    sfmc: app.ports.sfmc,
    jobs: app.jobs,
    config: app.config,
    logger: app.logger,
  });
}

/**
 * After a restore of the embedded store (a marker the restore left in DATA_DIR): re-applies the
 * erasures recorded since the backup from the erasure ledger on the objects port, before the
 * marker goes (docs/security.md, "Personal data"). A failure leaves the marker for the next start.
 */
export async function reapplyAfterRestore(app: App, services: PrivacyServices): Promise<ReapplyResult | null> {
  if (app.store.engine !== 'embedded') return null;
  const marker = await readRestoreMarker(app.config.DATA_DIR);
  if (!marker) return null;
  const result = await services.reapplyErasures(new Date(marker.backupCreatedAt));
  app.logger.info(
    { backupCreatedAt: marker.backupCreatedAt, ...result },
    'erasures since the restored backup re-applied',
  );
  await clearRestoreMarker(app.config.DATA_DIR);
  return result;
}

/**
 * Personal data across every domain (listed after them): personalData, exportPersonalData and
 * erasePerson for admins, the suppression list the senders check, and the erasure ledger a
 * restore re-applies.
 */
export const privacyFeature = defineFeature({
  name: 'privacy',
  services: servicesOfApp,
  indexes: privacyIndexes,
  resolvers: [PrivacyResolver],
  jobTypes: (_app, services) => services.jobTypes(),
  start: async (app, services) => {
    await reapplyAfterRestore(app, services);
  },
  schedules: [
    {
      name: 'PRIVACY_EXPORTS_SWEEP',
      cron: '45 3 * * *',
      jobType: PRIVACY_EXPORTS_SWEEP_JOB,
      params: {},
      description: 'Deletes personal-data exports older than PRIVACY_EXPORT_KEEP_DAYS (daily 03:45 UTC)',
    },
  ],
  commands: {
    'reapply-erasures': {
      description: 'After a restore: applies again the erasures recorded since the backup (by hash, from the ledger)',
      usage: 'reapply-erasures --since ISO_TIME',
      async run(_app, flags, _positional, services, out) {
        const { since } = checkFlags(flags, { required: ['since'] });
        const from = new Date(since!);
        if (Number.isNaN(from.getTime())) throw new UsageError('--since: a date and time such as 2027-01-31T00:00:00Z');
        const result = await services.reapplyErasures(from);
        out.write(
          `${result.erasures} erasures since ${from.toISOString()} (${result.restored} unknown to the store), ` +
            `${result.suppressionsAdded} suppression entries restored, ${result.people} e-mails or numbers ` +
            `erased again, ${result.changed} documents and records changed\n`,
        );
      },
    },
  },
});
