/**
 * The offer-code registry port: where the offer codes a wave hands out are registered, so that a
 * code shown to a fan is one the service (or the offer-code service it works with) will later
 * confirm. Engines:
 * - `embedded`: the service's own code store, the fan campaigns' `codes` collection (kind OFFER,
 *   pool `offer:<waveId>`, ASSIGNED to the row's fan);
 * - `http`: the same local record, and each code also registered with an external offer-code
 *   service (OFFER_CODES_URL), which then answers lookups and redemptions
 *   (docs/pipelines/waves.md#offer-codes has the contract).
 *
 * The local record is kept by both engines: it is what makes a code unique across every wave and
 * campaign (the code is the document's `_id`), and what the code-assignment pipeline assigns
 * when the wave is triggered.
 */
export interface OfferCodeRegistry {
  readonly engine: OfferCodeEngine;
  /**
   * Registers the codes. Idempotent: a code already registered for the same wave and row counts
   * as registered. A code held for another wave or row is answered in `collisions` and left as it
   * is: the caller draws a new code for that row. Throws OfferCodeRegistryError when the registry
   * could not be reached (after the engine's retries).
   */
  register(grants: OfferCodeGrant[]): Promise<RegisterOutcome>;
  /** What the registry holds for the code (as normalized by the caller), or null. */
  lookup(code: string): Promise<OfferCodeInfo | null>;
  /** Marks the code redeemed; null when there is no such code. Redeeming twice keeps the first time. */
  redeem(code: string): Promise<OfferCodeInfo | null>;
}

export type OfferCodeEngine = 'embedded' | 'http';

/**
 * Figures kept beside the local record's codes (the fan campaigns' codes per pool and state),
 * changed in the commits that add or drop codes.
 */
export interface LocalCodeCounts {
  /** Runs `task` as the only writer of these codes in this process. */
  exclusive<T>(codes: Iterable<string>, task: () => Promise<T>): Promise<T>;
  /** The writes that count these codes in (`by` 1) or out (-1), issued in the turn of the codes' write. */
  counted(codes: readonly { poolId: string; campaignId: string; state: 'ASSIGNED' }[], by: 1 | -1): Promise<unknown>[];
}

/** The local record both engines keep (the embedded engine is it; the http engine writes it first). */
export interface LocalOfferCodes extends OfferCodeRegistry {
  /** Drops codes registered locally for the wave that the external service refused. */
  forget(waveId: string, codes: string[]): Promise<void>;
}

/** One code given to one row of a wave. */
export interface OfferCodeGrant {
  /** XXXX-XXXX-XXXX. */
  code: string;
  campaignId: string;
  waveId: string;
  /** The row of the wave file: with the wave, who holds the code. */
  row: number;
  /** The fan, when the row names one; the entry when the fan is registered for the campaign. */
  userId: string | null;
  entryId: string | null;
  at: Date;
}

export interface RegisterOutcome {
  /** Codes newly registered or found registered for the same wave and fan. */
  registered: number;
  /** Codes another wave or row holds: not registered for this grant. */
  collisions: string[];
}

export interface OfferCodeInfo {
  code: string;
  campaignId: string;
  waveId: string | null;
  userId: string | null;
  redeemed: boolean;
  redeemedAt: Date | null;
}

/** The registry could not be reached or refused the request; `permanent`: retrying cannot help (a 4xx). */
export class OfferCodeRegistryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'OfferCodeRegistryError';
  }
}
