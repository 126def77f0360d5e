import type { Collection } from '../../store';
import type { LocalCodeCounts, LocalOfferCodes, OfferCodeGrant, OfferCodeInfo, RegisterOutcome } from '../port';

/**
 * An offer code as the fan campaigns' `codes` collection keeps it (the shape of its CodeDoc, with
 * the redemption time only offer codes carry).
 */
export interface OfferCodeDocument {
  _id: string;
  campaignId: string;
  poolId: string;
  kind: 'OFFER';
  state: 'ASSIGNED';
  waveId: string;
  entryId: string | null;
  userId: string | null;
  reservedAt: null;
  assignedAt: Date;
  createdAt: Date;
  /** The wave and row the code was given to (the CodeDoc's upload and line). */
  upload: { id: string; line: number };
  redeemedAt?: Date | null;
}

const DUPLICATE_KEY = 11000;

/** The pool a wave's offer codes are kept in. */
export const offerPoolId = (waveId: string) => `offer:${waveId}`;

/** Counts nothing: a registry whose codes have no kept figures (used on its own). */
const UNCOUNTED: LocalCodeCounts = { exclusive: (_codes, task) => task(), counted: () => [] };

/**
 * The embedded engine: the service's own code store (see port.ts). Codes are written with their
 * kept `counts` in one commit: only the codes read as missing are inserted, and only those read
 * as present are deleted, while this registry is their only writer in the process.
 */
export class EmbeddedOfferCodes implements LocalOfferCodes {
  readonly engine = 'embedded' as const;

  constructor(
    private readonly codes: Collection<OfferCodeDocument>,
    private readonly counts: LocalCodeCounts = UNCOUNTED,
  ) {}

  async register(grants: OfferCodeGrant[]): Promise<RegisterOutcome> {
    const docs = grants.map(documentOf);
    const refused = await this.counts.exclusive(
      docs.map((doc) => doc._id),
      () => this.insertCounted(docs),
    );
    if (refused.length === 0) return { registered: grants.length, collisions: [] };
    const existing = await this.codes.find({ _id: { $in: refused.map((grant) => grant.code) } }).toArray();
    const byCode = new Map(existing.map((doc) => [doc._id, doc]));
    const collisions = refused
      .filter((grant) => {
        const doc = byCode.get(grant.code);
        // the same grant again (a retried registration) is this grant's code
        return !(doc?.kind === 'OFFER' && doc.waveId === grant.waveId && doc.upload?.line === grant.row);
      })
      .map((grant) => grant.code);
    return { registered: grants.length - collisions.length, collisions };
  }

  async forget(waveId: string, codes: string[]): Promise<void> {
    if (codes.length === 0) return;
    await this.counts.exclusive(codes, async () => {
      const held = await this.codes
        .find({ _id: { $in: codes }, waveId, kind: 'OFFER' }, { projection: { _id: 1, poolId: 1, campaignId: 1 } })
        .toArray();
      const [results] = await Promise.all([
        Promise.all(held.map((doc) => this.codes.deleteOne({ _id: doc._id, waveId, kind: 'OFFER' }))),
        ...this.counts.counted(held.map(countedOf), -1),
      ]);
      // deleted meanwhile by another process, which counted them out itself
      const kept = held.filter((_, index) => results[index]!.deletedCount === 0);
      await Promise.all(this.counts.counted(kept.map(countedOf), 1));
    });
  }

  async lookup(code: string): Promise<OfferCodeInfo | null> {
    const doc = await this.codes.findOne({ _id: code, kind: 'OFFER' });
    return doc ? infoOf(doc) : null;
  }

  async redeem(code: string): Promise<OfferCodeInfo | null> {
    await this.codes.updateOne({ _id: code, kind: 'OFFER', redeemedAt: null }, { $set: { redeemedAt: new Date() } });
    return this.lookup(code);
  }

  /**
   * Inserts the codes not stored yet (a code twice among them: its first), counted in the same
   * commit; answers the grants whose code was stored already or was refused by the unique `_id`
   * (inserted by another process meanwhile: its count is given back).
   */
  private async insertCounted(docs: OfferCodeDocument[]): Promise<OfferCodeGrant[]> {
    const stored = await this.codes
      .find({ _id: { $in: [...new Set(docs.map((doc) => doc._id))] } }, { projection: { _id: 1 } })
      .toArray();
    const taken = new Set(stored.map((doc) => doc._id));
    const fresh: OfferCodeDocument[] = [];
    const present: OfferCodeDocument[] = [];
    for (const doc of docs) {
      if (taken.has(doc._id)) present.push(doc);
      else {
        taken.add(doc._id);
        fresh.push(doc);
      }
    }
    const [refused] = await Promise.all([this.insertAll(fresh), ...this.counts.counted(fresh.map(countedOf), 1)]);
    if (refused.length > 0) await Promise.all(this.counts.counted(refused.map(countedOf), -1));
    return [...present, ...refused].map(grantOf);
  }

  /** Inserts the codes; answers those the unique `_id` refused. */
  private async insertAll(docs: OfferCodeDocument[]): Promise<OfferCodeDocument[]> {
    if (docs.length === 0) return [];
    try {
      await this.codes.insertMany(docs, { ordered: false });
      return [];
    } catch (error) {
      // the MongoDB driver gives one write error as the object itself, several as an array
      const { writeErrors } = error as { writeErrors?: WriteError | WriteError[] };
      const failed = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
      if (failed.length === 0 || failed.some((writeError) => writeError.code !== DUPLICATE_KEY)) throw error;
      return failed.map((writeError) => docs[writeError.index]!);
    }
  }
}

interface WriteError {
  index: number;
  code?: number;
}

function documentOf(grant: OfferCodeGrant): OfferCodeDocument {
  return {
    _id: grant.code,
    campaignId: grant.campaignId,
    poolId: offerPoolId(grant.waveId),
    kind: 'OFFER',
    state: 'ASSIGNED',
    waveId: grant.waveId,
    entryId: grant.entryId,
    userId: grant.userId,
    reservedAt: null,
    assignedAt: grant.at,
    createdAt: grant.at,
    upload: { id: grant.waveId, line: grant.row },
    redeemedAt: null,
  };
}

const countedOf = (doc: Pick<OfferCodeDocument, 'poolId' | 'campaignId'>) => ({
  poolId: doc.poolId,
  campaignId: doc.campaignId,
  state: 'ASSIGNED' as const,
});

const grantOf = (doc: OfferCodeDocument): OfferCodeGrant => ({
  code: doc._id,
  campaignId: doc.campaignId,
  waveId: doc.waveId,
  row: doc.upload.line,
  userId: doc.userId,
  entryId: doc.entryId,
  at: doc.assignedAt,
});

const infoOf = (doc: OfferCodeDocument): OfferCodeInfo => ({
  code: doc._id,
  campaignId: doc.campaignId,
  waveId: doc.waveId,
  userId: doc.userId,
  redeemed: Boolean(doc.redeemedAt),
  redeemedAt: doc.redeemedAt ?? null,
});
