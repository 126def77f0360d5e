import type { OfferCodeRegistry } from '../../datasources/offerCodes/port';
import type { FanCampaigns } from '../fans/campaigns/fanCampaigns';
import type { WaveLifecycle } from './lifecycle/waveLifecycle';
import type { OfferCodes } from './offerCodes/offerCodes';
import type { WavePreps } from './prep/wavePreps';
import type { WaveQueries } from './queries/waveQueries';
import type { WaveSending } from './send/sendServices';
import type { WaveUploads } from './upload/waveUploads';

/**
 * SMS waves' services for one app, built once by the waves feature (src/features/waves.ts);
 * resolvers, routes, jobs and commands receive them.
 */
export interface WaveServices {
  /** uploadWave and createWaveFromPrep: rows checked, a DRAFT wave with one message per kept row. */
  uploads: WaveUploads;
  /** Offer codes of waves (generateOfferCode): generated once per row and registered. */
  offerCodes: OfferCodes;
  /** The offer-code registry port (embedded code store or the HTTP service): offerCode(code). */
  registry: OfferCodeRegistry;
  /** prepareWave (seed processSmsWaveFiles): eligible fans selected, files zipped, a download link. */
  preps: WavePreps;
  /** scheduleWave, the start at notifyDate and the sweep, sendWaveNow, pause, resume, cancel. */
  lifecycle: WaveLifecycle;
  /** waves(filter) and wave(id). */
  queries: WaveQueries;
  /** The wave-send job, receipts, inbound texts and opt-outs, the limiter, waveMessages and optOuts. */
  sending: WaveSending;
  /** The fans feature's campaigns (the demo wave goes to a demo fan campaign). */
  fanCampaigns: FanCampaigns;
}
