import type { Logger } from '../../../logger';
import {
  OfferCodeRegistryError,
  type LocalOfferCodes,
  type OfferCodeGrant,
  type OfferCodeInfo,
  type OfferCodeRegistry,
  type RegisterOutcome,
} from '../port';
import { requestWithRetry, type RetryPolicy } from './requestWithRetry';

export interface HttpOfferCodesOptions {
  /** OFFER_CODES_URL, without a trailing slash. */
  baseUrl: string;
  apiKey?: string;
  retry: RetryPolicy;
  /** The local record every engine keeps (port.ts). */
  local: LocalOfferCodes;
  logger: Logger;
}

/** Codes per registration request. */
const REQUEST_CODES = 500;

/**
 * The http engine: codes are first kept in the service's own code store (which makes them unique
 * and assignable), then registered with the external offer-code service, which also answers
 * lookups and redemptions. The contract is in docs/pipelines/waves.md#offer-codes:
 * - `POST {url}/codes` `{ codes: [{ code, campaignId, waveId, row, userId }] }` answers
 *   `{ conflicts: [code...] }`, the codes it holds for another wave or row;
 * - `GET {url}/codes/{code}` and `POST {url}/codes/{code}/redeem` answer the code
 *   (`{ code, campaignId, waveId, userId, redeemed, redeemedAt }`) or 404.
 */
export class HttpOfferCodes implements OfferCodeRegistry {
  readonly engine = 'http' as const;

  constructor(private readonly options: HttpOfferCodesOptions) {}

  async register(grants: OfferCodeGrant[]): Promise<RegisterOutcome> {
    const local = await this.options.local.register(grants);
    const localCollisions = new Set(local.collisions);
    const kept = grants.filter((grant) => !localCollisions.has(grant.code));
    const conflicts: OfferCodeGrant[] = [];
    for (let start = 0; start < kept.length; start += REQUEST_CODES) {
      const batch = kept.slice(start, start + REQUEST_CODES);
      const refused = new Set(await this.post(batch));
      conflicts.push(...batch.filter((grant) => refused.has(grant.code)));
    }
    // a code the external service holds for someone else is not this row's: the local record goes
    for (const waveId of new Set(conflicts.map((grant) => grant.waveId))) {
      const codes = conflicts.filter((grant) => grant.waveId === waveId).map((grant) => grant.code);
      await this.options.local.forget(waveId, codes);
    }
    const collisions = [...local.collisions, ...conflicts.map((grant) => grant.code)];
    return { registered: grants.length - collisions.length, collisions };
  }

  async lookup(code: string): Promise<OfferCodeInfo | null> {
    return this.codeRequest('GET', `/codes/${encodeURIComponent(code)}`);
  }

  async redeem(code: string): Promise<OfferCodeInfo | null> {
    return this.codeRequest('POST', `/codes/${encodeURIComponent(code)}/redeem`);
  }

  private async post(grants: OfferCodeGrant[]): Promise<string[]> {
    const { body } = await this.send('POST', '/codes', {
      codes: grants.map(({ code, campaignId, waveId, row, userId }) => ({ code, campaignId, waveId, row, userId })),
    });
    const conflicts = (body as { conflicts?: unknown } | null)?.conflicts ?? [];
    if (!Array.isArray(conflicts) || conflicts.some((code) => typeof code !== 'string')) {
      throw new OfferCodeRegistryError('the offer-code service answered conflicts that are not a list of codes', false);
    }
    return conflicts as string[];
  }

  private async codeRequest(method: 'GET' | 'POST', path: string): Promise<OfferCodeInfo | null> {
    const { status, body } = await this.send(method, path);
    return status === 404 ? null : infoOf(body);
  }

  private send(method: 'GET' | 'POST', path: string, body?: unknown) {
    const { baseUrl, apiKey, retry, logger } = this.options;
    return requestWithRetry({ method, url: `${baseUrl}${path}`, body, apiKey }, retry, logger);
  }
}

function infoOf(body: unknown): OfferCodeInfo {
  const value = (body ?? {}) as Record<string, unknown>;
  const text = (field: string) => (typeof value[field] === 'string' ? (value[field] as string) : null);
  const code = text('code');
  const campaignId = text('campaignId');
  if (!code || !campaignId)
    throw new OfferCodeRegistryError('the offer-code service answered a code without its campaign', false);
  const redeemedAt = text('redeemedAt');
  return {
    code,
    campaignId,
    waveId: text('waveId'),
    userId: text('userId'),
    redeemed: value.redeemed === true,
    redeemedAt: redeemedAt ? new Date(redeemedAt) : null,
  };
}
