import type { Db } from '../../../datasources/store';
import { OPT_OUTS, type OptOutDoc } from '../model';

/** The brand an opt-out of every brand is kept under (WAVE_OPT_OUT_SCOPE=global). */
export const ALL_BRANDS = '*';

export type OptOutScope = 'brand' | 'global';

/** The opt-out ids that stop a text of `brand` to `phone`: its brand's, and the one of every brand. */
export const optOutIds = (brand: string, phone: string) => [`${brand}:${phone}`, `${ALL_BRANDS}:${phone}`];

/**
 * The opt-out list (`optOuts`, one document per brand and number). A STOP is kept under the brand
 * of the sender it reached, or under every brand with WAVE_OPT_OUT_SCOPE=global; a text is
 * stopped by either.
 */
export class OptOutList {
  constructor(
    private readonly db: Db,
    private readonly scope: OptOutScope,
  ) {}

  private get collection() {
    return this.db.collection<OptOutDoc>(OPT_OUTS);
  }

  /** The brand a STOP received by a sender of `brand` is kept under. */
  scopeOf(brand: string | null): string {
    return this.scope === 'global' || !brand ? ALL_BRANDS : brand;
  }

  /** Which of `phones` may not get texts of `brand`: one read for a whole batch. */
  async optedOut(brand: string, phones: readonly string[]): Promise<Set<string>> {
    if (phones.length === 0) return new Set();
    const ids = [...new Set(phones)].flatMap((phone) => optOutIds(brand, phone));
    const found = await this.collection.find({ _id: { $in: ids } }, { projection: { phone: 1 } }).toArray();
    return new Set(found.map((doc) => doc.phone));
  }

  /** Adds the number; true when it was not on the list yet (under that brand). */
  async add(brand: string, phone: string, source: string, at = new Date()): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: `${brand}:${phone}` },
      { $setOnInsert: { brand, phone, source, at } },
      { upsert: true },
    );
    return result.upsertedCount === 1;
  }

  /**
   * START, YES, UNSTOP: the number takes texts again, from the brand (or, with the global scope,
   * from every brand: each of its opt-outs goes).
   */
  async remove(brand: string, phone: string): Promise<number> {
    const filter = this.scope === 'global' ? { phone } : { _id: `${brand}:${phone}` };
    const result = await this.collection.deleteMany(filter);
    return result.deletedCount;
  }
}
