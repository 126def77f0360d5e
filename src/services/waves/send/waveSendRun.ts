import type { SmsSendError } from '../../../datasources/sms';
import type { Filter } from '../../../datasources/store';
import { PermanentJobError, type JobContext } from '../../../jobs/jobType';
import { WAVE_MESSAGES, WAVES, type WaveDoc, type WaveMessageDoc } from '../model';
import { waveProgress } from '../queries/waveQueries';
import { Claimer, claimMessages, releaseDueRetries } from './claims';
import { validUntil, type SendRun } from './messageSender';
import { recountWave } from './recountWave';
import { RunBacklog } from './runBacklog';
import type { WaveSendDeps } from './waveSendDeps';
import { WaveWatch } from './waveWatch';

/** How a run ended: the wave's state, or a later run to come (quiet hours, a long wave). */
export type WaveSendOutcome =
  { outcome: 'SENT' | 'PAUSED' | 'CANCELLED' | 'NOT_SENDING' | 'STOPPED' } | { outcome: 'CONTINUES'; at: Date };

/** Housekeeping (orphans, settling, progress, expected finish) runs this often. */
const HOUSEKEEPING_MS = 5000;
/** A run hands over to a fresh job after this long, so no job runs for hours. */
const RUN_SLICE_MS = 30 * 60_000;
/** A wait longer than this (the next window opens later) ends the run with a later one scheduled. */
const LONG_WAIT_MS = 60_000;
const STEP_MS = 500;
/** Messages whose retry time came are made claimable this often. */
const RETRIES_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One run of the wave-send job: settles what a dead worker left, then claims and sends the
 * wave's PENDING messages while it is SENDING, and ends it SENT once nothing is left to send or
 * settle. Several runs may send one wave at once (claims keep them apart).
 */
export class WaveSendRun {
  private readonly claimer: Claimer;
  private readonly tasks = new Set<Promise<void>>();
  private readonly calling = new Set<string>();
  private readonly optedOut = new Set<string>();
  private readonly suppressed = new Set<string>();
  private readonly tokens: string[] = [];
  private readonly backlog: RunBacklog;
  private errorsSinceSuccess = false;
  private watch!: WaveWatch;
  private readonly stats = { claimed: 0, orphaned: 0, settledSent: 0, settledRequeued: 0 };

  constructor(
    private readonly deps: WaveSendDeps,
    private readonly waveId: string,
    private readonly context: Pick<JobContext, 'jobId' | 'attempt' | 'signal' | 'progress' | 'setStats'>,
  ) {
    this.claimer = new Claimer(context.jobId, context.attempt);
    this.backlog = new RunBacklog(deps, waveId);
  }

  async run(): Promise<WaveSendOutcome> {
    const watch = await WaveWatch.open(this.deps.db, this.waveId, this.deps.logger);
    if (!watch) throw new PermanentJobError(`No wave ${this.waveId}`, 'NOT_FOUND');
    this.watch = watch;
    try {
      let outcome: WaveSendOutcome | 'EXPIRED';
      try {
        await this.housekeeping();
        outcome = await this.loop();
      } finally {
        // Also when the run failed: what it holds goes back now rather than after the orphan grace.
        await this.settleOwnClaims().catch((error: unknown) =>
          this.deps.logger.warn({ err: error, waveId: this.waveId }, 'claims of the run not settled; reconciled later'),
        );
      }
      const concluded = await this.conclude(outcome);
      // Also when a redelivered job finds the wave already ended: a crash after the end is told again.
      const wave = await this.watch.refresh();
      if (wave.status !== 'SENDING') await this.deps.runEnded(wave);
      return concluded;
    } finally {
      watch.stop();
      await this.deps.counts.flush();
      await this.context.setStats(this.stats).catch(() => undefined);
    }
  }

  private async loop(): Promise<WaveSendOutcome | 'EXPIRED'> {
    const startedAt = Date.now();
    let nextHousekeeping = Date.now() + HOUSEKEEPING_MS;
    let nextRetries = 0;
    const queue: WaveMessageDoc[] = [];
    let refill: Promise<void> | null = null;
    for (;;) {
      if (this.context.signal.aborted) return { outcome: 'STOPPED' };
      const wave = this.watch.current();
      if (wave.status !== 'SENDING') return { outcome: 'NOT_SENDING' };
      if (this.deps.now().getTime() >= validUntil(wave)) return 'EXPIRED';
      if (Date.now() >= nextHousekeeping) {
        await this.housekeeping();
        nextHousekeeping = Date.now() + HOUSEKEEPING_MS;
      }
      if (Date.now() - startedAt > RUN_SLICE_MS) return { outcome: 'CONTINUES', at: this.deps.now() };
      if (Date.now() >= nextRetries) {
        await releaseDueRetries(this.deps.db, this.deps.now());
        nextRetries = Date.now() + RETRIES_MS;
      }
      const batch = claimSize(wave);
      // The next claim is under way before the queue runs dry: a claim's commit can take a while.
      if (queue.length < batch && !refill) {
        refill = this.claimInto(queue, wave, batch).finally(() => {
          refill = null;
        });
      }
      if (queue.length === 0) {
        await refill;
        if (queue.length > 0) continue;
        const wait = await this.nothingToClaim();
        if (wait === 'done') return { outcome: 'SENT' };
        if (wait instanceof Date) return { outcome: 'CONTINUES', at: wait };
        continue;
      }
      // Messages in hand wait for a sender slot and tokens in their sends: at most a claim's worth.
      if (this.tasks.size >= batch) {
        await Promise.race(this.tasks);
        continue;
      }
      this.spawn(queue.shift()!);
    }
  }

  private spawn(message: WaveMessageDoc): void {
    const task = this.deps.sender
      .send(message, this.sendRun())
      .then(
        () => {
          this.calling.delete(message._id);
        },
        (error: unknown) => {
          if (!this.context.signal.aborted)
            this.deps.logger.error({ err: error, messageId: message._id }, 'wave text not handled');
        },
      )
      .finally(() => {
        this.tasks.delete(task);
      });
    this.tasks.add(task);
  }

  private sendRun(): SendRun {
    return {
      wave: () => this.watch.current(),
      signal: this.context.signal,
      optedOut: (phone) => this.optedOut.has(phone),
      suppressed: (messageId) => this.suppressed.has(messageId),
      calling: (messageId) => this.calling.add(messageId),
      providerError: (error) => this.providerError(error),
      providerSuccess: () => this.providerSuccess(),
    };
  }

  private async claimInto(queue: WaveMessageDoc[], wave: WaveDoc, limit: number): Promise<void> {
    const zones = await this.backlog.openZones();
    const token = this.claimer.nextToken();
    const now = this.deps.now();
    const claimed: WaveMessageDoc[] = [];
    if (zones === null) {
      claimed.push(...(await claimMessages(this.deps.db, { waveId: this.waveId, zone: null, limit, token, now })));
    } else {
      // The open zones share the claim, each read in its rows' order.
      const share = Math.max(1, Math.ceil(limit / Math.max(1, zones.length)));
      for (const zone of zones) {
        if (claimed.length >= limit) break;
        const size = Math.min(share, limit - claimed.length);
        claimed.push(...(await claimMessages(this.deps.db, { waveId: this.waveId, zone, limit: size, token, now })));
      }
    }
    if (claimed.length === 0) return;
    this.tokens.push(token);
    this.stats.claimed += claimed.length;
    const phones = claimed.flatMap((message) => (message.phone ? [message.phone] : []));
    for (const phone of await this.deps.optOuts.optedOut(wave.config.brand, phones)) this.optedOut.add(phone);
    const suppressed = await this.deps.suppressions.suppressed(claimed);
    claimed.forEach((message, index) => {
      if (suppressed[index]) this.suppressed.add(message._id);
    });
    queue.push(...claimed);
  }

  /**
   * Nothing claimable: wait for our texts in flight, other workers' claims and young UNCERTAIN
   * messages; 'done' once nothing is left; a Date when the next window opens later than a
   * minute from now; otherwise null after a short wait (retries due soon, a window opening).
   */
  private async nothingToClaim(): Promise<'done' | Date | null> {
    if (this.tasks.size > 0) {
      await Promise.race([...this.tasks, sleep(STEP_MS)]);
      return null;
    }
    const pending = await this.backlog.nextPendingAt();
    if (pending) {
      const wait = pending.getTime() - this.deps.now().getTime();
      if (wait > LONG_WAIT_MS) return pending;
      await sleep(Math.max(10, Math.min(STEP_MS, wait)));
      return null;
    }
    const messages = this.deps.db.collection<WaveMessageDoc>(WAVE_MESSAGES);
    const sending = await messages.findOne({ waveId: this.waveId, status: 'SENDING' }, { projection: { _id: 1 } });
    if (sending || (await this.deps.reconciler.uncertainInGrace(this.waveId))) {
      await sleep(STEP_MS * 2);
      return null;
    }
    const settled = await this.deps.reconciler.settle(this.waveId);
    this.countSettled(settled);
    return settled.requeued > 0 ? null : 'done';
  }

  /** Claims of this run still SENDING: never called -> PENDING; called with no outcome stored -> UNCERTAIN. */
  private async settleOwnClaims(): Promise<void> {
    await Promise.allSettled([...this.tasks]);
    if (this.tokens.length === 0) return;
    const left = await this.deps.db
      .collection<WaveMessageDoc>(WAVE_MESSAGES)
      .find({ waveId: this.waveId, status: 'SENDING', claimedBy: { $in: this.tokens } } as Filter<WaveMessageDoc>)
      .toArray();
    for (const message of left) {
      const called = this.calling.has(message._id);
      await this.deps.transitions.move(
        message,
        called
          ? { status: 'UNCERTAIN', reason: 'OUTCOME_NOT_STORED' }
          : { status: 'PENDING', claimedAt: null, claimedBy: null },
        { claimedBy: message.claimedBy },
      );
    }
  }

  private async conclude(outcome: WaveSendOutcome | 'EXPIRED'): Promise<WaveSendOutcome> {
    const wave = await this.watch.refresh();
    if (wave.status === 'CANCELLED') {
      await this.deps.transitions.moveMany(this.waveId, 'PENDING', {}, { status: 'SKIPPED', reason: 'CANCELLED' });
      return { outcome: 'CANCELLED' };
    }
    if (outcome === 'EXPIRED') {
      await this.deps.transitions.moveMany(
        this.waveId,
        'PENDING',
        {},
        { status: 'EXPIRED', reason: 'VALIDITY_PASSED' },
      );
      // What other workers still hold, and UNCERTAIN messages, are settled before the wave ends.
      const done = await this.nothingToClaim();
      return done === 'done'
        ? this.finish()
        : { outcome: 'CONTINUES', at: new Date(this.deps.now().getTime() + STEP_MS) };
    }
    if (outcome.outcome === 'SENT') return this.finish();
    if (outcome.outcome === 'CONTINUES') await this.backlog.updateExpectedFinish(true);
    if (outcome.outcome === 'NOT_SENDING') return { outcome: wave.status === 'PAUSED' ? 'PAUSED' : 'NOT_SENDING' };
    return outcome;
  }

  private async finish(): Promise<WaveSendOutcome> {
    const now = this.deps.now();
    const ended = await this.deps.db
      .collection<WaveDoc>(WAVES)
      .updateOne(
        { _id: this.waveId, status: 'SENDING' },
        { $set: { status: 'SENT', finishedAt: now, expectedFinishAt: now, updatedAt: now } },
      );
    if (ended.modifiedCount === 1) this.deps.logger.info({ waveId: this.waveId }, 'wave sent');
    return { outcome: 'SENT' };
  }

  private async housekeeping(): Promise<void> {
    const orphaned = await this.deps.reconciler.orphans(this.waveId, this.claimer);
    if (orphaned > 0) {
      this.stats.orphaned += orphaned;
      // A dead worker's gathered counts died with it: count the wave again from its messages.
      await this.deps.counts.flush();
      await recountWave(this.deps.db, this.waveId);
    }
    this.countSettled(await this.deps.reconciler.settle(this.waveId));
    await this.backlog.updateExpectedFinish(false);
    await this.context.progress(waveProgress(this.watch.current()));
  }

  private countSettled(settled: { sent: number; requeued: number }): void {
    this.stats.settledSent += settled.sent;
    this.stats.settledRequeued += settled.requeued;
  }

  private async providerError(error: SmsSendError | Error): Promise<void> {
    this.errorsSinceSuccess = true;
    const waves = this.deps.db.collection<WaveDoc>(WAVES);
    const wave = await waves.findOneAndUpdate(
      { _id: this.waveId, status: 'SENDING' },
      { $inc: { consecutiveErrors: 1 } },
      { returnDocument: 'after' },
    );
    const limit = this.deps.settings.maxConsecutiveErrors;
    if (!wave || wave.consecutiveErrors < limit) return;
    const code = 'code' in error ? ` ${error.code}` : '';
    const statusReason = `Paused after ${wave.consecutiveErrors} provider errors in a row (last: ${error.message}${code})`;
    const paused = await waves.updateOne(
      { _id: this.waveId, status: 'SENDING' },
      { $set: { status: 'PAUSED', statusReason, updatedAt: new Date() } },
    );
    if (paused.modifiedCount === 1) this.deps.logger.warn({ waveId: this.waveId, statusReason }, 'wave paused itself');
    await this.watch.refresh();
  }

  private async providerSuccess(): Promise<void> {
    if (!this.errorsSinceSuccess) return;
    this.errorsSinceSuccess = false;
    await this.deps.db
      .collection<WaveDoc>(WAVES)
      .updateOne({ _id: this.waveId, consecutiveErrors: { $gt: 0 } }, { $set: { consecutiveErrors: 0 } });
  }
}

/** Messages claimed at once: a fifth of a second of the rate (one segment each), 1 to 200. */
const claimSize = (wave: WaveDoc) => Math.min(200, Math.max(1, Math.ceil(wave.config.segmentsPerSecond / 5)));
