import { z } from 'zod';
import type { BusinessUnit } from '../businessUnits';
import { SfmcError } from '../port';
import { requestJson, type RetryPolicy } from './http';
import type { Logger } from '../../../logger';

/** Tokens are renewed this long before they expire, so a request never carries a dead one. */
const EXPIRY_MARGIN_MS = 60_000;

const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  rest_instance_url: z.string().url().optional(),
});

export interface AccessToken {
  value: string;
  expiresAt: number;
  restBaseUrl: string;
}

export interface TokenSettings {
  authBaseUrl: string;
  restBaseUrl: string;
  retry: RetryPolicy;
  logger: Logger;
  /** Reads the variable a business unit names for its client id or secret. */
  secret(name: string): string | undefined;
}

const withSubdomain = (template: string, subdomain: string) =>
  template.replace('{subdomain}', subdomain).replace(/\/+$/, '');

/**
 * OAuth 2 client-credentials tokens, one per business unit (account_id = its MID), cached until
 * shortly before expiry. Concurrent callers share one in-flight token request.
 */
export class TokenCache {
  private readonly tokens = new Map<string, Promise<AccessToken>>();

  constructor(private readonly settings: TokenSettings) {}

  async get(unit: BusinessUnit, signal?: AbortSignal): Promise<AccessToken> {
    const cached = this.tokens.get(unit.name);
    if (cached) {
      const token = await cached.catch(() => null);
      if (token && token.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return token;
      if (this.tokens.get(unit.name) !== cached) return this.get(unit, signal);
    }
    const pending = this.fetchToken(unit, signal);
    this.tokens.set(unit.name, pending);
    pending.catch(() => this.tokens.get(unit.name) === pending && this.tokens.delete(unit.name));
    return pending;
  }

  /** Drops a token the API refused (401), unless another caller already replaced it. */
  async invalidate(unit: BusinessUnit, refused: AccessToken): Promise<void> {
    const cached = this.tokens.get(unit.name);
    const token = await cached?.catch(() => null);
    if (token?.value === refused.value && this.tokens.get(unit.name) === cached) this.tokens.delete(unit.name);
  }

  private async fetchToken(unit: BusinessUnit, signal?: AbortSignal): Promise<AccessToken> {
    if (!unit.subdomain || !unit.mid || !unit.clientIdEnv || !unit.clientSecretEnv) {
      throw new SfmcError(`business unit ${unit.name} has no API credentials configured (SFMC_BUSINESS_UNITS)`);
    }
    const clientId = this.settings.secret(unit.clientIdEnv);
    const clientSecret = this.settings.secret(unit.clientSecretEnv);
    if (!clientId || !clientSecret) {
      throw new SfmcError(`business unit ${unit.name}: ${unit.clientIdEnv} and ${unit.clientSecretEnv} must be set`);
    }
    const response = await requestJson(
      {
        method: 'POST',
        url: `${withSubdomain(this.settings.authBaseUrl, unit.subdomain)}/v2/token`,
        body: {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
          account_id: unit.mid,
        },
        signal,
      },
      this.settings.retry,
      this.settings.logger,
    );
    if (response.status !== 200) {
      throw new SfmcError(
        `business unit ${unit.name}: token request refused (HTTP ${response.status})`,
        response.status,
      );
    }
    const parsed = tokenResponse.safeParse(response.body);
    if (!parsed.success) throw new SfmcError(`business unit ${unit.name}: unexpected token response`);
    return {
      value: parsed.data.access_token,
      expiresAt: Date.now() + parsed.data.expires_in * 1000,
      restBaseUrl: (parsed.data.rest_instance_url ?? withSubdomain(this.settings.restBaseUrl, unit.subdomain)).replace(
        /\/+$/,
        '',
      ),
    };
  }
}
