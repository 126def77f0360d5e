import type { Collection } from '../../../datasources/store';
import type { FanEntryDoc } from '../model';
import { entryId } from '../model';

/** Lookups of entries per store round trip. */
const BATCH = 1000;

/** How the registration records of a period stand against the entries. */
export interface RegistrationTallyCounts {
  /** Records whose entry keeps their registeredAt: each fan's first registration (an entry keeps it). */
  matching: number;
  /** Records of fans whose entry has another registeredAt: re-registrations, which update an entry in place. */
  others: number;
  /** Records of fans without an entry. */
  withoutEntry: number;
}

/**
 * Tells apart a period's registration records by the entry of their fan, looked up in batches.
 * An entry keeps the first registeredAt of its fan, so the records matching it are exactly the
 * entries registered in the period, each once; re-registrations are the rest.
 */
export class RegistrationTally {
  readonly counts: RegistrationTallyCounts = { matching: 0, others: 0, withoutEntry: 0 };
  private pending: { id: string; registeredAt: number }[] = [];

  constructor(private readonly entries: Collection<FanEntryDoc>) {}

  async add(record: Record<string, unknown>): Promise<void> {
    const id = entryId(String(record.campaignId), String(record.userId));
    this.pending.push({ id, registeredAt: Number(record.registeredAt) });
    if (this.pending.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const ids = [...new Set(batch.map((record) => record.id))];
    const found = await this.entries.find({ _id: { $in: ids } }, { projection: { registeredAt: 1 } }).toArray();
    const firstAt = new Map(found.map((entry) => [entry._id, new Date(entry.registeredAt).getTime()]));
    for (const { id, registeredAt } of batch) {
      const at = firstAt.get(id);
      if (at === undefined) this.counts.withoutEntry += 1;
      else if (at === registeredAt) this.counts.matching += 1;
      else this.counts.others += 1;
    }
  }
}
