import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { Collection } from '../store';
import { EmbeddedOfferCodes, type OfferCodeDocument } from './embedded/embeddedOfferCodes';
import { HttpOfferCodes } from './http/httpOfferCodes';
import type { LocalCodeCounts, OfferCodeRegistry } from './port';

export * from './port';
export { EmbeddedOfferCodes, offerPoolId, type OfferCodeDocument } from './embedded/embeddedOfferCodes';
export { HttpOfferCodes } from './http/httpOfferCodes';

export type OfferCodesConfig = Pick<
  Config,
  'OFFER_CODES_URL' | 'OFFER_CODES_API_KEY' | 'OFFER_CODES_RETRY_ATTEMPTS' | 'OFFER_CODES_TIMEOUT_MS'
>;

/**
 * The offer-code registry: the http engine when OFFER_CODES_URL is set, else the embedded one.
 * `codes` is the fan campaigns' code collection, the local record of both; `counts` its kept
 * counts per pool and state.
 */
export function createOfferCodeRegistry(
  config: OfferCodesConfig,
  codes: Collection<OfferCodeDocument>,
  logger: Logger,
  counts?: LocalCodeCounts,
): OfferCodeRegistry {
  const local = new EmbeddedOfferCodes(codes, counts);
  if (!config.OFFER_CODES_URL) return local;
  return new HttpOfferCodes({
    baseUrl: config.OFFER_CODES_URL.replace(/\/+$/, ''),
    apiKey: config.OFFER_CODES_API_KEY,
    retry: {
      attempts: config.OFFER_CODES_RETRY_ATTEMPTS,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      timeoutMs: config.OFFER_CODES_TIMEOUT_MS,
    },
    local,
    logger,
  });
}
