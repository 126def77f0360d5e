import { z } from 'zod';
import {
  offerPoolId,
  type OfferCodeGrant,
  type OfferCodeInfo,
  type OfferCodeRegistry,
} from '../../../datasources/offerCodes';
import { measureSms } from '../../../datasources/sms';
import type { AnyBulkWriteOperation, Collection, Db } from '../../../datasources/store';
import { badInput, conflict } from '../../../errors';
import type { JobRecord, Jobs, JobType } from '../../../jobs/jobType';
import type { Logger } from '../../../logger';
import { CODE_POOLS, entryId, FAN_ENTRIES, type CodePoolDoc, type FanEntryDoc } from '../../fans/model';
import { requireWave, wrongState } from '../lifecycle/waveErrors';
import { WAVE_MESSAGES, WAVES, type WaveDoc, type WaveMessageDoc } from '../model';
import { waveMessageBatches } from '../queries/waveMessageBatches';
import { messageValues } from '../upload/messageValues';
import { renderTemplate } from '../upload/template';
import { newOfferCode, normalizeOfferCode } from './offerCodeFormat';

export interface OfferCodesOptions {
  db: Db;
  jobs: Pick<Jobs, 'enqueue'>;
  registry: OfferCodeRegistry;
  logger: Logger;
}

export const WAVE_OFFER_CODES_JOB = 'wave-offer-codes';
const BATCH = 2000;
/** Draws for one row before giving up: each collision has odds of about 2^-60 per code held. */
const MAX_DRAWS = 8;

export interface GeneratedCodes {
  /** Rows that were given a code by this run. */
  generated: number;
  /** Codes registered (or found registered) with the registry. */
  registered: number;
  /** Codes drawn again because another wave or row held them. */
  redrawn: number;
}

/**
 * The offer codes of waves with generateOfferCode (seed 004 generateSmsWaveCodes, the seed's
 * Pacman): each row is given a code once, kept on its message before it is registered, so a rerun
 * registers the same codes again (idempotent) rather than new ones; a code another wave or row
 * holds is drawn again. Once every row's code is registered the wave may be scheduled.
 */
export class OfferCodes {
  constructor(private readonly options: OfferCodesOptions) {}

  private get waves(): Collection<WaveDoc> {
    return this.options.db.collection<WaveDoc>(WAVES);
  }

  private get messages(): Collection<WaveMessageDoc> {
    return this.options.db.collection<WaveMessageDoc>(WAVE_MESSAGES);
  }

  /** generateWaveCodes: the wave's codes generated and registered again, as a job (after a failed upload job). */
  async request(waveId: string, requestedBy: string): Promise<JobRecord> {
    const wave = await requireWave(this.waves, waveId);
    if (!wave.config.generateOfferCode) throw conflict(`Wave ${waveId} does not generate offer codes`);
    if (wave.status !== 'DRAFT') throw wrongState(wave, 'given offer codes', ['DRAFT']);
    return this.options.jobs.enqueue(WAVE_OFFER_CODES_JOB, { waveId }, { requestedBy });
  }

  /** Gives every row of the wave its code and registers them all; marks the wave codesGenerated. */
  async generate(waveId: string): Promise<GeneratedCodes> {
    const wave = await requireWave(this.waves, waveId);
    const result: GeneratedCodes = { generated: 0, registered: 0, redrawn: 0 };
    if (!wave.config.generateOfferCode || wave.codesGenerated) return result;
    await this.ensurePool(wave);
    // the upload draws each row's code; a row without one (its wave made to want codes since) gets one here
    for await (const batch of waveMessageBatches(this.messages, waveId, { code: null }, BATCH)) {
      result.generated += await this.draw(wave, batch);
    }
    for await (const batch of waveMessageBatches(this.messages, waveId, { codeKind: 'OFFER' }, BATCH)) {
      const registered = await this.register(wave, batch);
      result.registered += registered.registered;
      result.redrawn += registered.redrawn;
    }
    await this.waves.updateOne({ _id: waveId }, { $set: { codesGenerated: true, updatedAt: new Date() } });
    this.options.logger.info({ waveId, ...result }, 'offer codes of the wave registered');
    return result;
  }

  /** offerCode(code): what the registry holds for it (typed in any case, dashes optional), or null. */
  async lookup(input: string): Promise<OfferCodeInfo | null> {
    const code = normalizeOfferCode(input);
    return code ? this.options.registry.lookup(code) : null;
  }

  /** redeemOfferCode(code): the code marked redeemed (the first time stays), or null when unknown. */
  async redeem(input: string): Promise<OfferCodeInfo | null> {
    const code = normalizeOfferCode(input);
    if (!code) throw badInput(`code: ${input.slice(0, 40)} is not an offer code (XXXX-XXXX-XXXX)`, 'code');
    return this.options.registry.redeem(code);
  }

  jobTypes(): JobType[] {
    const type: JobType<{ waveId: string }, GeneratedCodes> = {
      name: WAVE_OFFER_CODES_JOB,
      params: z.object({ waveId: z.string().min(1) }),
      options: { attempts: 5, backoffMs: 5000 },
      perform: ({ waveId }) => this.generate(waveId),
    };
    return [type as JobType];
  }

  /** Registers a batch, drawing again the codes that collide; answers what was registered and redrawn. */
  private async register(wave: WaveDoc, batch: WaveMessageDoc[]): Promise<{ registered: number; redrawn: number }> {
    const entryIds = await this.registeredEntries(wave.config.campaignId, batch);
    let pending = batch;
    let registered = 0;
    let redrawn = 0;
    for (let round = 1; pending.length > 0; round++) {
      const grants = pending.map((message): OfferCodeGrant => {
        const id = message.userId ? entryId(wave.config.campaignId, message.userId) : null;
        return {
          code: message.code!,
          campaignId: wave.config.campaignId,
          waveId: wave._id,
          row: message.row,
          userId: message.userId,
          entryId: id && entryIds.has(id) ? id : null,
          at: wave.createdAt,
        };
      });
      const outcome = await this.options.registry.register(grants);
      registered += outcome.registered;
      if (outcome.collisions.length === 0) break;
      if (round >= MAX_DRAWS) throw new Error(`offer codes kept colliding for wave ${wave._id} after ${round} draws`);
      const colliding = pending.filter((message) => outcome.collisions.includes(message.code!));
      redrawn += await this.draw(wave, colliding);
      // as stored now: the new codes, or another run's, registered alike
      pending = await this.messages.find({ _id: { $in: colliding.map((message) => message._id) } }).toArray();
    }
    return { registered, redrawn };
  }

  /**
   * Gives each message a new code in place of the one it was read with (none, or one that
   * collided), its text rendered again, in one write; answers how many changed (a message another
   * run changed first keeps that run's code).
   */
  private async draw(wave: WaveDoc, messages: WaveMessageDoc[]): Promise<number> {
    if (messages.length === 0) return 0;
    const now = new Date();
    const writes: AnyBulkWriteOperation<WaveMessageDoc>[] = messages.map((message) => {
      const code = newOfferCode();
      const rendered = renderTemplate(wave.config.messageTemplate, messageValues(message, code));
      const text = 'text' in rendered ? rendered.text : message.text;
      const update = { code, codeKind: 'OFFER' as const, text, segments: measureSms(text).segments, updatedAt: now };
      return { updateOne: { filter: { _id: message._id, code: message.code }, update: { $set: update } } };
    });
    const { modifiedCount } = await this.messages.bulkWrite(writes, { ordered: false });
    return modifiedCount;
  }

  /** The wave's pool of offer codes, listed with the campaign's pools (codePools) and counted by state. */
  private async ensurePool(wave: WaveDoc): Promise<void> {
    await this.options.db.collection<CodePoolDoc>(CODE_POOLS).updateOne(
      { _id: offerPoolId(wave._id) },
      {
        $setOnInsert: {
          campaignId: wave.config.campaignId,
          kind: 'OFFER',
          name: `offer codes of wave ${wave.name}`.slice(0, 100),
          createdAt: new Date(),
          createdBy: wave.createdBy,
        },
      },
      { upsert: true },
    );
  }

  /** The entries of the batch's fans that exist: a code is assigned to an entry only when there is one. */
  private async registeredEntries(campaignId: string, batch: WaveMessageDoc[]): Promise<Set<string>> {
    const ids = batch.filter((message) => message.userId).map((message) => entryId(campaignId, message.userId!));
    if (ids.length === 0) return new Set();
    const found = await this.options.db
      .collection<FanEntryDoc>(FAN_ENTRIES)
      .find({ _id: { $in: ids } }, { projection: { _id: 1 } })
      .toArray();
    return new Set(found.map((entry) => entry._id));
  }
}
