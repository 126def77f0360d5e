import { randomBytes } from 'node:crypto';
import type { Feature } from '../../src/features';
import type { Service } from '../../src/main';

/** The services `feature` runs with in `service`. */
export function servicesOf<S>(service: Service, feature: Feature<S>): S {
  const wired = service.features.find((candidate) => candidate.feature === feature);
  if (!wired) throw new Error(`feature ${feature.name} is not wired in this service`);
  return wired.services as S;
}

/** Signs the campaigns' tracking links of this run (production refuses to send without one). */
const trackingSecret = randomBytes(24).toString('base64url');

/** The service's environment in the benchmark: production mode, rate limits on, no schedules. */
export function serviceEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    SCHEDULES: 'false',
    RATE_LIMITS: 'on',
    FAN_FILES_POLL_SECONDS: '0',
    TRACKING_SECRET: trackingSecret,
    ...extra,
  };
}
