import type { Config } from '../../config';
import { trackingSecret } from './trackingSecret';

/** Where this service's tracking and download links point, and the secret that signs them. */
export interface TrackingSite {
  /** PUBLIC_BASE_URL, else this instance on localhost; without a trailing slash. */
  baseUrl: string;
  /** Asked for when a link is signed or checked: production refuses to start a send without one. */
  secret(): Promise<string>;
}

export function trackingSite(config: Config): TrackingSite {
  return {
    baseUrl: (config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, ''),
    secret: () => trackingSecret(config),
  };
}
