import type { Collection, Db, Filter } from '../../../datasources/store';
import { conflict } from '../../../errors';
import type { Jobs, JobType } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import type { CodeAssignment } from '../../fans/codes/codeAssignment';
import type { FanCodes } from '../../fans/codes/fanCodes';
import { WAVES, type WaveDoc, type WaveStatus } from '../model';
import { assignCodesAtTrigger } from './codesAtTrigger';
import { requireWave, wrongState } from './waveErrors';
import { WAVE_SEND_JOB, WAVE_START_JOB, WAVE_TRIGGER_JOB, waveJobTypes } from './waveJobs';
import { checkNotifyDate, expectedDurationSeconds } from './waveRules';

export interface WaveLifecycleOptions {
  db: Db;
  jobs: Pick<Jobs, 'enqueue' | 'cancel'>;
  assignment: Pick<CodeAssignment, 'handle'>;
  /** The fans feature's code pools: a cancelled wave gives its reserved NON_TM codes back. */
  codes: Pick<FanCodes, 'release'>;
  /** Marks a cancelled wave's PENDING messages SKIPPED (a PAUSED wave has no sender to do it). */
  skipCancelled(waveId: string): Promise<number>;
  logger: Logger;
}

/** The delayed job may be handed over this early (the job runner's tolerance for clock skew). */
const EARLY_MS = 1000;
/** A started wave whose trigger job was never enqueued (a crash in between) is found after this. */
const TRIGGER_LOST_MS = 60_000;

/**
 * A wave's life (seed 004 smsWaveScheduler): DRAFT -> SCHEDULED -> SENDING <-> PAUSED -> SENT |
 * CANCELLED | FAILED. Every change is one conditional update of the wave, so of two callers (two
 * workers, a sweep and the delayed job, two operators) exactly one wins, and the loser is told
 * the wave's status. Starting moves SCHEDULED -> SENDING once; its `wave-trigger` job assigns the
 * rows' codes and enqueues the `wave-send` run, which watches the status and stops within a
 * second of a pause or cancel.
 */
export class WaveLifecycle {
  constructor(private readonly options: WaveLifecycleOptions) {}

  private get waves(): Collection<WaveDoc> {
    return this.options.db.collection<WaveDoc>(WAVES);
  }

  /** scheduleWave: SCHEDULED for notifyDate (the config's when not given), with its delayed start job. */
  async schedule(id: string, notifyDate: Date | null, now = new Date()): Promise<WaveDoc> {
    const wave = await this.readyWave(id, 'scheduled', ['DRAFT', 'SCHEDULED']);
    const date = notifyDate ?? wave.config.notifyDate;
    checkNotifyDate(date, now);
    const finish = new Date(
      date.getTime() + expectedDurationSeconds(wave.totalSegments, wave.config.segmentsPerSecond) * 1000,
    );
    const scheduled = await this.transition(wave, 'scheduled', ['DRAFT', 'SCHEDULED'], {
      status: 'SCHEDULED',
      'config.notifyDate': date,
      expectedFinishAt: finish,
      statusReason: null,
    });
    const job = await this.options.jobs.enqueue(
      WAVE_START_JOB,
      { waveId: id, notifyDate: date },
      {
        // an operator's scheduleWave made it (SCHEDULE is for the ticks of cron schedules)
        trigger: 'MANUAL',
        idempotencyKey: `${WAVE_START_JOB}:${id}:${date.getTime()}`,
        delaySeconds: Math.max(0, (date.getTime() - Date.now()) / 1000),
      },
    );
    const previous = scheduled.scheduledJobId;
    const updated = await this.waves.findOneAndUpdate(
      { _id: id, status: 'SCHEDULED' },
      { $set: { scheduledJobId: job._id, updatedAt: new Date() } },
      { returnDocument: 'after' },
    );
    if (previous && previous !== job._id) await this.cancelJob(previous);
    return updated ?? (await requireWave(this.waves, id));
  }

  /** sendWaveNow: SENDING at once (from DRAFT or SCHEDULED), its trigger job enqueued. */
  async sendNow(id: string, now = new Date()): Promise<WaveDoc> {
    const wave = await this.readyWave(id, 'sent now', ['DRAFT', 'SCHEDULED']);
    // the validity window runs from now: a wave sent early is not held to its later date
    const fields = { ...this.startFields(now), 'config.notifyDate': now };
    const started = await this.transition(wave, 'sent now', ['DRAFT', 'SCHEDULED'], fields, { sendRuns: 1 });
    if (wave.scheduledJobId) await this.cancelJob(wave.scheduledJobId);
    return this.enqueueTrigger(started);
  }

  /** pauseWave: a SENDING wave stops taking recipients (the sender sees it within a second). */
  async pause(id: string, reason = 'paused by an operator'): Promise<WaveDoc> {
    const wave = await requireWave(this.waves, id);
    return this.transition(wave, 'paused', ['SENDING'], { status: 'PAUSED', statusReason: reason });
  }

  /** resumeWave: SENDING again, with a new wave-send run (or the trigger, if its codes are not assigned yet). */
  async resume(id: string): Promise<WaveDoc> {
    const wave = await requireWave(this.waves, id);
    const resumed = await this.transition(
      wave,
      'resumed',
      ['PAUSED'],
      { status: 'SENDING', statusReason: null },
      {
        sendRuns: 1,
      },
    );
    return resumed.codesAssigned ? this.enqueueSend(resumed) : this.enqueueTrigger(resumed);
  }

  /** cancelWave: CANCELLED; its start job cancelled, its reserved NON_TM codes back in their pools. */
  async cancel(id: string, now = new Date()): Promise<WaveDoc> {
    const wave = await requireWave(this.waves, id);
    const cancelled = await this.transition(wave, 'cancelled', ['DRAFT', 'SCHEDULED', 'SENDING', 'PAUSED'], {
      status: 'CANCELLED',
      statusReason: 'cancelled by an operator',
      finishedAt: now,
    });
    if (wave.scheduledJobId) await this.cancelJob(wave.scheduledJobId);
    await this.options.codes.release(id);
    await this.options.skipCancelled(id);
    return cancelled;
  }

  /** The delayed start job: starts the wave if it is still SCHEDULED for that date. */
  async startScheduled(id: string, notifyDate: Date, now = new Date()): Promise<{ started: boolean }> {
    const started = await this.start({ _id: id, 'config.notifyDate': notifyDate } as Filter<WaveDoc>, now);
    return { started: started !== null };
  }

  /**
   * The WAVE_SCHEDULER sweep: starts every SCHEDULED wave whose notifyDate has come (the delayed
   * job was lost, or the service was down at the time), and enqueues again the trigger of a
   * started wave that has none (a crash between the start and its enqueue).
   */
  async sweep(now = new Date()): Promise<{ started: number; retriggered: number }> {
    const due = await this.waves
      .find({ status: 'SCHEDULED', 'config.notifyDate': { $lte: now } }, { projection: { _id: 1 } })
      .toArray();
    let started = 0;
    for (const { _id } of due) if (await this.start({ _id }, now)) started += 1;
    const stalled = await this.waves
      .find({ status: 'SENDING', codesAssigned: false, startedAt: { $lt: new Date(now.getTime() - TRIGGER_LOST_MS) } })
      .toArray();
    for (const wave of stalled) await this.enqueueTrigger(wave);
    if (started + stalled.length > 0) {
      this.options.logger.info({ started, retriggered: stalled.length }, 'wave scheduler started due waves');
    }
    return { started, retriggered: stalled.length };
  }

  /**
   * `wave-trigger`: the codes at trigger (once: codesAssigned), then the run's `wave-send` job,
   * unless the wave was paused or cancelled meanwhile (resume enqueues its own run). On its last
   * attempt a failure marks the wave FAILED with the reason.
   */
  async trigger(id: string, run: number, { lastAttempt }: { lastAttempt: boolean }): Promise<{ sent: boolean }> {
    try {
      let wave = await requireWave(this.waves, id);
      if (!wave.codesAssigned && (wave.status === 'SENDING' || wave.status === 'PAUSED')) {
        const codes = await assignCodesAtTrigger(this.options, wave);
        this.options.logger.info({ waveId: id, ...codes }, 'codes of the triggered wave assigned');
        wave = await requireWave(this.waves, id);
      }
      if (wave.status !== 'SENDING' || wave.sendRuns !== run) return { sent: false };
      await this.enqueueSend(wave);
      return { sent: true };
    } catch (error) {
      if (lastAttempt) {
        const reason = `the trigger failed: ${(error as Error).message}`;
        await this.waves.updateOne(
          { _id: id, status: { $in: ['SENDING', 'PAUSED'] } },
          { $set: { status: 'FAILED', statusReason: reason, finishedAt: new Date(), updatedAt: new Date() } },
        );
      }
      throw error;
    }
  }

  jobTypes(): JobType[] {
    return waveJobTypes(this);
  }

  /** SCHEDULED -> SENDING for the wave matching `filter` if due; the started wave, its trigger enqueued. */
  private async start(filter: Filter<WaveDoc>, now: Date): Promise<WaveDoc | null> {
    const due = new Date(now.getTime() + EARLY_MS);
    const started = await this.waves.findOneAndUpdate(
      { $and: [filter, { status: 'SCHEDULED', 'config.notifyDate': { $lte: due } }] } as Filter<WaveDoc>,
      { $set: this.startFields(now), $inc: { sendRuns: 1 } },
      { returnDocument: 'after' },
    );
    if (!started) return null;
    this.options.logger.info({ waveId: started._id }, 'wave started');
    return this.enqueueTrigger(started);
  }

  private startFields(now: Date) {
    return { status: 'SENDING' as const, startedAt: now, statusReason: null };
  }

  private async enqueueTrigger(wave: WaveDoc): Promise<WaveDoc> {
    await this.options.jobs.enqueue(
      WAVE_TRIGGER_JOB,
      { waveId: wave._id, run: wave.sendRuns },
      { trigger: 'EVENT', idempotencyKey: `${WAVE_TRIGGER_JOB}:${wave._id}:${wave.sendRuns}` },
    );
    return wave;
  }

  private async enqueueSend(wave: WaveDoc): Promise<WaveDoc> {
    await this.options.jobs.enqueue(
      WAVE_SEND_JOB,
      { waveId: wave._id },
      { trigger: 'EVENT', idempotencyKey: `${WAVE_SEND_JOB}:${wave._id}:${wave.sendRuns}` },
    );
    return wave;
  }

  /** The wave, when its status allows `action` and it can be sent: it has recipients and its offer codes. */
  private async readyWave(id: string, action: string, allowed: WaveStatus[]): Promise<WaveDoc> {
    const wave = await requireWave(this.waves, id);
    if (!allowed.includes(wave.status)) throw wrongState(wave, action, allowed);
    if (wave.counts.total === 0) throw conflict(`Wave ${id} has no recipients (every row was rejected)`);
    if (wave.config.generateOfferCode && !wave.codesGenerated) {
      throw conflict(
        `Wave ${id}'s offer codes are not registered yet: wait for its upload job, or run generateWaveCodes`,
      );
    }
    return wave;
  }

  /**
   * The conditional update behind every action: applied only while the wave is in one of
   * `allowed` statuses, so a concurrent change makes it fail with the status found.
   */
  private async transition(
    wave: WaveDoc,
    action: string,
    allowed: WaveStatus[],
    set: Record<string, unknown>,
    inc?: Record<string, number>,
  ): Promise<WaveDoc> {
    if (!allowed.includes(wave.status)) throw wrongState(wave, action, allowed);
    const updated = await this.waves.findOneAndUpdate(
      { _id: wave._id, status: { $in: allowed } },
      { $set: { ...set, updatedAt: new Date() }, ...(inc ? { $inc: inc } : {}) },
      { returnDocument: 'after' },
    );
    if (updated) return updated;
    throw wrongState(await requireWave(this.waves, wave._id), action, allowed);
  }

  /** Cancels a start job that is no longer wanted; one already run or gone is left as it is. */
  private async cancelJob(jobId: string): Promise<void> {
    await this.options.jobs.cancel(jobId).catch(() => undefined);
  }
}
