import type { App } from '../app';
import { createOfferCodeRegistry } from '../datasources/offerCodes';
import { OfferCodeResolver } from '../resolvers/waves/offerCode.resolver';
import { WavePrepResolver } from '../resolvers/waves/prep.resolver';
import { WaveResolver } from '../resolvers/waves/wave.resolver';
import { WaveMessageResolver } from '../resolvers/waves/message.resolver';
import { OptOutResolver } from '../resolvers/waves/optOut.resolver';
import { WaveSendResolver } from '../resolvers/waves/send.resolver';
import { mountTwilioWebhookRoutes } from '../resolvers/sms/twilioWebhooks.routes';
import { smsIndexes } from '../datasources/sms';
import { sendIndexes } from '../services/waves/send/sendIndexes';
import { sendServices } from '../services/waves/send/sendServices';
import { CODES } from '../services/fans/model';
import { uploadLimits } from '../services/uploads/uploadKinds';
import { runWaveCommand, WAVE_COMMAND } from '../services/waves/commands/waveCommand';
import { writeDemoWave } from '../services/waves/demo/demoWave';
import { waveIndexes } from '../services/waves/indexes';
import { WaveLifecycle } from '../services/waves/lifecycle/waveLifecycle';
import { OfferCodes } from '../services/waves/offerCodes/offerCodes';
import { WavePreps } from '../services/waves/prep/wavePreps';
import { WaveQueries } from '../services/waves/queries/waveQueries';
import type { WaveServices } from '../services/waves/services';
import { WaveUploads } from '../services/waves/upload/waveUploads';
import { defineFeature, rememberedReads, type ServicesOf } from './feature';
import { fansFeature } from './fans';

/**
 * The waves' services for one app. Code assignments at a wave's trigger and the NON_TM
 * reservations of wave prep go through the fans feature's own services: one
 * code-assignment pipeline per process, whose per-fan locks then cover waves and uploads alike.
 */
function waveServices(app: App, servicesOf: ServicesOf): WaveServices {
  const fans = servicesOf(fansFeature);
  const logger = app.logger.child({ feature: 'waves' });
  const registry = createOfferCodeRegistry(app.config, app.db.collection(CODES), logger, fans.codeCounts);
  const offerCodes = new OfferCodes({ db: app.db, jobs: app.jobs, registry, logger });
  const sending = sendServices(app);
  const lifecycle = new WaveLifecycle({
    db: app.db,
    jobs: app.jobs,
    assignment: fans.assignment,
    codes: fans.codes,
    skipCancelled: (waveId) => sending.skipCancelled(waveId),
    logger,
  });
  return {
    registry,
    offerCodes,
    lifecycle,
    uploads: new WaveUploads({
      db: app.db,
      objects: app.ports.objects,
      jobs: app.jobs,
      config: app.config,
      directory: fans.directory,
      offerCodes,
      limits: uploadLimits(app.config, 'waveFile'),
    }),
    preps: new WavePreps({
      db: app.db,
      objects: app.ports.objects,
      jobs: app.jobs,
      config: app.config,
      directory: fans.directory,
      codes: fans.codes,
      limits: uploadLimits(app.config, 'waveFile'),
    }),
    queries: new WaveQueries(app.db, rememberedReads(app)),
    sending,
    fanCampaigns: fans.campaigns,
  };
}

/**
 * SMS waves (seed 004, part 2): upload, offer codes, wave prep, scheduling (the WAVE_SCHEDULER
 * sweep and a delayed start job per wave) and rate-limited sending.
 */
export const wavesFeature = defineFeature({
  name: 'waves',
  services: waveServices,
  indexes: [...waveIndexes, ...sendIndexes, ...smsIndexes],
  resolvers: [WaveResolver, WavePrepResolver, OfferCodeResolver, WaveSendResolver, WaveMessageResolver, OptOutResolver],
  jobTypes: (_app, services) => [
    ...services.uploads.jobTypes(),
    ...services.offerCodes.jobTypes(),
    ...services.preps.jobTypes(),
    ...services.lifecycle.jobTypes(),
    ...services.sending.jobTypes(),
  ],
  schedules: [
    {
      name: 'WAVE_SCHEDULER',
      cron: '*/5 * * * *',
      jobType: 'wave-scheduler',
      description: 'Starts SMS waves that are due (seed 004 smsWaveScheduler: every 5 minutes)',
    },
  ],
  routes(router, app) {
    mountTwilioWebhookRoutes(router, {
      sms: app.ports.sms,
      publicBaseUrl: app.config.PUBLIC_BASE_URL,
      logger: app.logger,
    });
  },
  // The SMS port's receipts and inbound texts go to the sending, registered before the port starts.
  start: (_app, services) => services.sending.start(),
  stop: (_app, services) => services.sending.stop(),
  commands: {
    wave: {
      ...WAVE_COMMAND,
      run: (app, flags, positional, services, out) =>
        runWaveCommand({ ...services, jobs: app.jobs }, flags, positional, out),
    },
  },
  demo: (app, services) =>
    writeDemoWave({
      services,
      campaigns: services.fanCampaigns,
      logger: app.logger.child({ feature: 'waves' }),
    }),
});
