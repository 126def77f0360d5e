import { defineFeature } from './feature';

/**
 * SMS waves (seed 004, part 2): upload, offer codes, wave prep, scheduling and rate-limited
 * sending. Its schedule is declared; its job type comes with the domain, until then it is listed
 * (registered: false) and never fires.
 */
export const wavesFeature = defineFeature({
  name: 'waves',
  schedules: [
    {
      name: 'WAVE_SCHEDULER',
      cron: '*/5 * * * *',
      jobType: 'wave-scheduler',
      description: 'Starts SMS waves that are due (seed 004 smsWaveScheduler: every 5 minutes)',
    },
  ],
});
