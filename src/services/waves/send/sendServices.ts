import type { Registry } from 'prom-client';
import type { MessagingPort } from '../../../datasources/messaging/port';
import type { SmsEvent, SmsPort } from '../../../datasources/sms';
import type { Db } from '../../../datasources/store';
import type { Jobs, JobType } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import type { Channel } from '../../leads/channel';
import { RateLimiter } from '../../rateLimiter/rateLimiter';
import { privacySecret } from '../../suppression/privacySecret';
import { SuppressionList } from '../../suppression/suppressionList';
import { WAVES, type WaveDoc } from '../model';
import { CountsWriter } from './countsWriter';
import { InboundTexts } from './inbound';
import { MessageSender } from './messageSender';
import { createWaveSendMetrics } from './metrics';
import { OptOutList } from './optOutList';
import { Receipts } from './receipts';
import { Reconciler } from './reconcile';
import { resolveUncertain, type UncertainDecision } from './resolveUncertain';
import { SenderSlots } from './senderSlots';
import { SendQueries } from './sendQueries';
import { sendSettings, type SendConfig, type SendSettings } from './sendSettings';
import { startupSweep } from './startupSweep';
import { MessageTransitions } from './transitions';
import { waveFeed } from './waveFeed';
import { waveSendJob } from './waveSend.job';
import type { WaveSendDeps } from './waveSendDeps';

/** The waves' sending: the wave-send job, receipts and inbound texts, opt-outs and the queries on them. */
export interface WaveSending {
  settings: SendSettings;
  /** The limiter kept in the store, shared by every worker and instance (also for other rates). */
  limiter: RateLimiter;
  optOuts: OptOutList;
  queries: SendQueries;
  receipts: Receipts;
  inbound: InboundTexts;
  /** waveUpdated(id): the wave now and after its changes, at most every second. */
  feed(waveId: string): Promise<Channel<WaveDoc>>;
  resolveUncertain(waveId: string, decision: UncertainDecision, by: string): Promise<number>;
  /**
   * A cancelled wave's PENDING messages -> SKIPPED (reason CANCELLED); how many. A sending run
   * does it itself when it sees the cancel; this is for a wave no run sends (cancelled while
   * PAUSED). Idempotent.
   */
  skipCancelled(waveId: string): Promise<number>;
  /**
   * Calls `listener` with the wave whenever a wave-send run ends and finds its wave no longer
   * SENDING (SENT, PAUSED, CANCELLED), inside the run's job: a listener that throws fails the job,
   * which runs again and calls it again, so it must be idempotent. Answers the unsubscribe.
   */
  onRunEnded(listener: (wave: WaveDoc) => Promise<void>): () => void;
  jobTypes(): JobType[];
  /** Takes the SMS port's events (before starting it), then settles what a crash left. */
  start(): Promise<void>;
  /** Stops the runs of this process (their waves continue in a new job), then the SMS port. */
  stop(): Promise<void>;
}

/** What the sending is built from: the app's store, ports, jobs, settings, logger and metrics. */
export interface SendServicesDeps {
  db: Db;
  config: SendConfig;
  logger: Logger;
  metrics: Registry;
  jobs: Pick<Jobs, 'enqueue' | 'get'>;
  ports: { sms: SmsPort; messaging: MessagingPort };
}

export function sendServices(app: SendServicesDeps): WaveSending {
  const logger = app.logger.child({ feature: 'waves', part: 'send' });
  const settings = sendSettings(app.config);
  const now = () => new Date();
  const metrics = createWaveSendMetrics(app.metrics);
  const counts = new CountsWriter(app.db, metrics, logger);
  const transitions = new MessageTransitions(app.db, counts);
  const limiter = new RateLimiter({ db: app.db });
  const optOuts = new OptOutList(app.db, settings.optOutScope);
  const { sms, messaging } = app.ports;
  const receipts = new Receipts({ db: app.db, messaging, transitions, optOuts, metrics, logger });
  const inbound = new InboundTexts({ db: app.db, sms, limiter, optOuts, metrics, settings, logger });
  const reconciler = new Reconciler({ db: app.db, sms, jobs: app.jobs, transitions, receipts, settings, logger, now });
  const slots = new SenderSlots(settings.concurrency);
  const senderDeps = {
    db: app.db,
    sms,
    messaging,
    limiter,
    slots,
    transitions,
    optOuts,
    suppressions: new SuppressionList(app.db, privacySecret(app.config)),
    metrics,
    settings,
    logger,
    now,
  };
  const shutdown = new AbortController();
  const endListeners = new Set<(wave: WaveDoc) => Promise<void>>();
  const deps: WaveSendDeps = {
    ...senderDeps,
    sender: new MessageSender(senderDeps),
    counts,
    reconciler,
    shutdown: shutdown.signal,
    runEnded: async (wave) => {
      for (const listener of endListeners) await listener(wave);
    },
  };
  const runs = new Set<Promise<unknown>>();
  let unlisten: (() => void) | null = null;
  let sweep: Promise<unknown> = Promise.resolve();
  const onEvent = (event: SmsEvent) => (event.kind === 'status' ? receipts.handle(event) : inbound.handle(event));
  return {
    settings,
    limiter,
    optOuts,
    queries: new SendQueries(app.db),
    receipts,
    inbound,
    feed: (waveId) => waveFeed(app.db, waveId),
    resolveUncertain: (waveId, decision, by) =>
      resolveUncertain({ db: app.db, jobs: app.jobs, transitions, counts, logger, now }, waveId, decision, by),
    skipCancelled: async (waveId) => {
      const cancelled = await app.db.collection<WaveDoc>(WAVES).findOne({ _id: waveId, status: 'CANCELLED' });
      if (!cancelled) return 0;
      const skipped = await transitions.moveMany(waveId, 'PENDING', {}, { status: 'SKIPPED', reason: 'CANCELLED' });
      await counts.flush();
      return skipped;
    },
    onRunEnded(listener) {
      endListeners.add(listener);
      return () => endListeners.delete(listener);
    },
    jobTypes: () => [waveSendJob(deps, app.jobs, runs) as JobType],
    async start() {
      unlisten = sms.onEvent(onEvent);
      await sms.start();
      sweep = startupSweep({ db: app.db, reconciler, transitions, counts, logger }).catch((error: unknown) =>
        logger.error({ err: error }, 'sending start-up sweep failed'),
      );
    },
    async stop() {
      shutdown.abort(new Error('the service is stopping'));
      await Promise.allSettled([...runs, sweep]);
      await sms.stop();
      unlisten?.();
      unlisten = null;
      limiter.close();
      await counts.flush();
    },
  };
}
