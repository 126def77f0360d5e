import { campaignHolders } from './campaignHolders';
import { clickHolders } from './clickHolders';
import { fanHolders } from './fanHolders';
import type { StoreHolder } from './holder';
import { leadHolders } from './leadHolders';
import { privacyHolders } from './privacyHolders';
import { waveHolders } from './waveHolders';

/**
 * Every store collection that can hold a person's data, by domain. Tracking (performance
 * entries, publications) holds none: its rows are about ads, not people.
 */
export const storeHolders: readonly StoreHolder[] = [
  ...campaignHolders,
  ...fanHolders,
  ...waveHolders,
  ...leadHolders,
  ...clickHolders,
  ...privacyHolders,
];
