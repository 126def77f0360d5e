import type { Db } from '../../../datasources/store';
import { FAN_CAMPAIGNS, type FanCampaignDoc } from '../model';
import type { ImportRow } from './importRows';

/** The campaigns rows refer to, read once per import (one query per batch for the new ones). */
export class CampaignCache {
  private readonly known = new Map<string, FanCampaignDoc | null>();

  constructor(private readonly db: Db) {}

  /** Reads the campaigns the rows name that were not read yet. */
  async load(rows: ImportRow[]): Promise<void> {
    const ids = new Set<string>();
    for (const row of rows) {
      const id = row.get('campaignId');
      if (typeof id === 'string' && id.trim() && !this.known.has(id.trim())) ids.add(id.trim());
    }
    if (ids.size === 0) return;
    const found = await this.db
      .collection<FanCampaignDoc>(FAN_CAMPAIGNS)
      .find({ _id: { $in: [...ids] } })
      .toArray();
    for (const id of ids) this.known.set(id, null);
    for (const campaign of found) this.known.set(campaign._id, campaign);
  }

  get(id: string): FanCampaignDoc | null {
    return this.known.get(id) ?? null;
  }
}
