import type { SentSmsRecord, SmsPort } from '../../../datasources/sms';
import type { Db, Filter } from '../../../datasources/store';
import type { Jobs } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import { WAVE_MESSAGES, type WaveMessageDoc } from '../model';
import { claimRunOf, type Claimer } from './claims';
import type { Receipts } from './receipts';
import type { SendSettings } from './sendSettings';
import type { MessageTransitions } from './transitions';

export interface ReconcileDeps {
  db: Db;
  sms: SmsPort;
  jobs: Pick<Jobs, 'get'>;
  transitions: MessageTransitions;
  receipts: Receipts;
  settings: SendSettings;
  logger: Logger;
  now: () => Date;
}

/** What one settling round did with the UNCERTAIN messages it looked up. */
export interface Settled {
  /** Found at the provider: counted as sent. */
  sent: number;
  /** Proven absent at the provider: back in the queue. */
  requeued: number;
  /** No lookup (aws) or the lookup failed: still UNCERTAIN. */
  unknown: number;
}

/**
 * The provider stamps a text with its own clock, to the second (Twilio's date_created): records
 * are looked up from this long before the claim, and told apart by idempotency key or body.
 */
const LOOKUP_SKEW_MS = 60_000;
/** UNCERTAIN messages looked up per round. */
const SETTLE_BATCH = 200;

/**
 * After a crash: messages left SENDING by a worker that is gone become UNCERTAIN, and each
 * UNCERTAIN message is settled by what the provider holds. A claim is a gone worker's once its
 * job run ended or was taken over (or stopped beating) and the claim is older than the orphan
 * grace, so no send of it can still start or be under way; any claim older than the lease is
 * settled whoever holds it (a live worker renews its claims long before).
 */
export class Reconciler {
  constructor(private readonly deps: ReconcileDeps) {}

  private get messages() {
    return this.deps.db.collection<WaveMessageDoc>(WAVE_MESSAGES);
  }

  /** SENDING messages of gone workers -> UNCERTAIN; how many. `self` is the run asking (never gone). */
  async orphans(waveId: string, self: Claimer | null): Promise<number> {
    const holders = await this.messages
      .aggregate<{ _id: string | null }>([{ $match: { waveId, status: 'SENDING' } }, { $group: { _id: '$claimedBy' } }])
      .toArray();
    const now = this.deps.now().getTime();
    let found = 0;
    for (const { _id: claimedBy } of holders) {
      if (claimedBy && self?.owns(claimedBy)) continue;
      const live = claimedBy ? await this.runIsLive(claimedBy, now) : false;
      const cutoff = new Date(now - (live ? this.deps.settings.claimLeaseMs : this.deps.settings.orphanGraceMs));
      found += await this.deps.transitions.moveMany(
        waveId,
        'SENDING',
        { claimedBy, claimedAt: { $lt: cutoff } } as Filter<WaveMessageDoc>,
        { status: 'UNCERTAIN', reason: 'WORKER_LOST', errorCode: null },
      );
    }
    if (found > 0)
      this.deps.logger.warn({ waveId, messages: found }, 'claims of a gone worker: UNCERTAIN until settled');
    return found;
  }

  /**
   * Looks up UNCERTAIN messages whose claim is older than the orphan grace at the provider:
   * found (same idempotency key, or same body to that number since the claim) -> SENT, with the
   * status the provider holds; absent -> PENDING; no lookup (aws) -> left for an operator.
   */
  async settle(waveId: string): Promise<Settled> {
    const settled: Settled = { sent: 0, requeued: 0, unknown: 0 };
    const cutoff = new Date(this.deps.now().getTime() - this.deps.settings.orphanGraceMs);
    const uncertain = await this.messages
      .find({ waveId, status: 'UNCERTAIN', claimedAt: { $lt: cutoff } } as Filter<WaveMessageDoc>, {
        sort: { row: 1 },
        limit: SETTLE_BATCH,
      })
      .toArray();
    for (const message of uncertain) {
      const records = await this.lookUp(message);
      if (!records) {
        settled.unknown += 1;
        continue;
      }
      const record = records.find((candidate) => matches(candidate, message));
      if (record) {
        const sentAt = record.createdAt;
        const moved = await this.deps.transitions.move(message, {
          status: 'SENT',
          sentAt,
          providerMessageId: record.providerMessageId,
          reason: null,
          errorCode: null,
        });
        if (moved) {
          settled.sent += 1;
          await this.deps.receipts.applyRecord(message._id, record);
        }
      } else {
        const moved = await this.deps.transitions.move(message, {
          status: 'PENDING',
          claimedAt: null,
          claimedBy: null,
          retryAt: null,
          reason: 'NOT_AT_PROVIDER',
        });
        if (moved) settled.requeued += 1;
      }
    }
    if (uncertain.length > 0) this.deps.logger.info({ waveId, ...settled }, 'uncertain wave texts settled');
    return settled;
  }

  /** Are UNCERTAIN messages of the wave too recent to look up yet (their grace has not passed)? */
  async uncertainInGrace(waveId: string): Promise<boolean> {
    const cutoff = new Date(this.deps.now().getTime() - this.deps.settings.orphanGraceMs);
    const young = await this.messages.findOne(
      { waveId, status: 'UNCERTAIN', claimedAt: { $gte: cutoff } } as Filter<WaveMessageDoc>,
      {
        projection: { _id: 1 },
      },
    );
    return young !== null;
  }

  private async lookUp(message: WaveMessageDoc): Promise<SentSmsRecord[] | null> {
    if (!message.phone || !message.claimedAt) return null;
    try {
      return await this.deps.sms.findSentSince(message.phone, new Date(message.claimedAt.getTime() - LOOKUP_SKEW_MS));
    } catch (error) {
      this.deps.logger.warn(
        { err: error, messageId: message._id },
        'provider lookup failed; the message stays UNCERTAIN',
      );
      return null;
    }
  }

  private async runIsLive(claimedBy: string, now: number): Promise<boolean> {
    const run = claimRunOf(claimedBy);
    if (!run) return false;
    const job = await this.deps.jobs.get(run.jobId);
    if (!job || job.status !== 'RUNNING' || job.attempts !== run.attempt) return false;
    const beat = job.heartbeatAt ?? job.startedAt;
    return beat !== undefined && now - beat.getTime() < this.deps.settings.runStaleMs;
  }
}

/** The provider's record of this message: its idempotency key when it keeps one, else the same text. */
function matches(record: SentSmsRecord, message: WaveMessageDoc): boolean {
  if (record.idempotencyKey) return record.idempotencyKey === message._id;
  return record.body === message.text;
}
