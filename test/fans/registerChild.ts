/**
 * Child process of marketCountsKill.test.ts: a service on a data directory taking in batches of
 * registrations for campaign `killed` without end, each with new fans, fans of the batch before
 * again and some of those moved to the other market. Prints `batch <n>` once a batch is durable.
 * Usage: node -r @swc-node/register test/fans/registerChild.ts <dataDir>
 */
import 'reflect-metadata';
import { loadConfig } from '../../src/config';
import { fansFeature } from '../../src/features/fans';
import { createService } from '../../src/main';
import type { RegistrationRecord } from '../../src/services/fans/records';
import type { FanServices } from '../../src/services/fans/services';

const NEW_FANS = 2000;
const AGAIN = 500;

const registration = (userId: number, market: string): RegistrationRecord => ({
  type: 'registration',
  campaignId: 'killed',
  userId: `u${userId}`,
  email: `u${userId}@example.com`,
  phone: null,
  firstName: null,
  marketPreferences: [market],
  smsConsentSource: null,
  smsConsentAt: null,
  registeredAt: Date.parse('2026-03-01T12:00:00Z'),
});

function batch(n: number): RegistrationRecord[] {
  const first = (n - 1) * NEW_FANS;
  const fresh = Array.from({ length: NEW_FANS }, (_, i) => registration(first + i, i % 3 === 0 ? 'lon' : 'nyc'));
  if (n === 1) return fresh;
  const again = Array.from({ length: AGAIN }, (_, i) => {
    const userId = first - NEW_FANS + i;
    const market = userId % 3 === 0 ? 'lon' : 'nyc';
    return registration(userId, i % 5 === 0 ? (market === 'lon' ? 'nyc' : 'lon') : market);
  });
  return [...again, ...fresh];
}

async function main(): Promise<void> {
  const [dataDir] = process.argv.slice(2);
  const service = await createService(
    loadConfig({
      DATA_DIR: dataDir!,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      SCHEDULES: 'false',
      JOB_WORKERS: 'false',
    }),
  );
  await service.start();
  const fans = service.features.find((wired) => wired.feature === fansFeature)!.services as FanServices;
  for (let n = 1; ; n++) {
    await fans.registrations.handle(batch(n));
    process.stdout.write(`batch ${n}\n`);
  }
}

void main();
