import type { App } from '../app';
import { Role, type Principal } from '../auth/roles';
import type { Config } from '../config';
import { rateLimited, type AppError } from '../errors';
import { RateLimiter, type RateLimit } from '../services/rateLimiter/rateLimiter';

/** GraphQL operations, and their summed estimated cost, one caller may send a minute. */
export interface RateLimitPolicy {
  requestsPerMinute: number;
  costPerMinute: number;
}

/** Who is counted: an API key, or, without a valid key, the client address. */
export interface RateLimitedCaller {
  principal: Principal | null;
  clientAddress: string;
}

type PolicyName = Role | 'ANONYMOUS';

/** Each role's limits, and those of requests without a valid key (the lowest by default), from RATE_LIMIT_*. */
export function rateLimitPolicies(config: Config): Record<PolicyName, RateLimitPolicy> {
  return {
    [Role.ADMIN]: {
      requestsPerMinute: config.RATE_LIMIT_ADMIN_REQUESTS_PER_MINUTE,
      costPerMinute: config.RATE_LIMIT_ADMIN_COST_PER_MINUTE,
    },
    [Role.OPERATOR]: {
      requestsPerMinute: config.RATE_LIMIT_OPERATOR_REQUESTS_PER_MINUTE,
      costPerMinute: config.RATE_LIMIT_OPERATOR_COST_PER_MINUTE,
    },
    [Role.AGENT]: {
      requestsPerMinute: config.RATE_LIMIT_AGENT_REQUESTS_PER_MINUTE,
      costPerMinute: config.RATE_LIMIT_AGENT_COST_PER_MINUTE,
    },
    [Role.VIEWER]: {
      requestsPerMinute: config.RATE_LIMIT_VIEWER_REQUESTS_PER_MINUTE,
      costPerMinute: config.RATE_LIMIT_VIEWER_COST_PER_MINUTE,
    },
    ANONYMOUS: {
      requestsPerMinute: config.RATE_LIMIT_ANONYMOUS_REQUESTS_PER_MINUTE,
      costPerMinute: config.RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE,
    },
  };
}

/**
 * Each instance reserves a second of a key's rate at a time from the store and keeps it ten
 * seconds: a busy key costs the store a write a second per instance, and a key used now and then
 * spends at most a tenth of its refill on reservations it let lapse.
 */
const API_SLICES = { sliceSeconds: 1, stockTtlMs: 10_000 };

/** A minute's allowance, which may be spent at once and refills evenly over the minute. */
const perMinute = (units: number): RateLimit => ({ ratePerSecond: units / 60, burst: units });

const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * The API's rate limits: per API key (its role's, or the key's own), and per client address for
 * requests without a valid key. Counted in memory and kept in step across instances by the
 * store's shared limiter (services/rateLimiter: each process reserves small slices of a bucket
 * from the store, so the store sees a write per slice, not per request). Checked after the key
 * is known and before the operation runs; a refused operation costs nothing.
 */
export class ApiRateLimits {
  private readonly limiter: RateLimiter | undefined;
  private readonly policies: Record<PolicyName, RateLimitPolicy>;

  constructor(app: App) {
    this.policies = rateLimitPolicies(app.config);
    this.limiter = app.config.RATE_LIMITS === 'on' ? new RateLimiter({ db: app.db, slices: API_SLICES }) : undefined;
  }

  /** Counts one operation of estimated `cost`: null when it may run, else RATE_LIMITED with the wait. */
  async admit(caller: RateLimitedCaller, cost: number): Promise<AppError | null> {
    if (!this.limiter) return null;
    const { principal, clientAddress } = caller;
    const keyed = principal && !principal.anonymous ? principal : undefined;
    const bucket = keyed ? `api:key:${keyed.keyId}` : `api:address:${clientAddress}`;
    const roleLimits = this.policies[keyed?.role ?? 'ANONYMOUS'];
    const requestsPerMinute = keyed?.requestsPerMinute ?? roleLimits.requestsPerMinute;
    const costPerMinute = keyed?.costPerMinute ?? roleLimits.costPerMinute;
    const who = keyed ? `the API key "${keyed.name}"` : `requests without a valid API key from ${clientAddress}`;

    const requests = await this.limiter.tryAcquire(`${bucket}:requests`, 1, perMinute(requestsPerMinute));
    if (!requests.granted) {
      const wait = retryAfterSeconds(requests.retryAfterMs);
      return rateLimited(`Too many requests: ${requestsPerMinute} a minute for ${who}. Try again in ${wait} s`, wait);
    }
    const units = Math.max(1, Math.ceil(cost));
    const spent = await this.limiter.tryAcquire(`${bucket}:cost`, units, perMinute(costPerMinute));
    if (!spent.granted) {
      const wait = retryAfterSeconds(spent.retryAfterMs);
      return rateLimited(
        `Too costly: queries worth ${costPerMinute} a minute for ${who}, and this one costs ${units}. Try again in ${wait} s`,
        wait,
      );
    }
    return null;
  }

  /** A request whose key was refused counts as one without a key: guessing keys is rate limited too. */
  admitUnauthenticated(clientAddress: string): Promise<AppError | null> {
    return this.admit({ principal: null, clientAddress }, 1);
  }
}
