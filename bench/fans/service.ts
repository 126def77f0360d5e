import { fansFeature } from '../../src/features/fans';
import type { FanServices } from '../../src/services/fans/services';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/service';

/** The service as the fans benchmark runs it, with the fans feature's services at hand. */
export interface BenchService extends ServiceUnderTest {
  fans: FanServices;
}

/** The whole service on a fresh embedded store (bench/support/service.ts), `env` added to its settings. */
export async function startBenchService(env: Record<string, string> = {}): Promise<BenchService> {
  const service = await startServiceUnderTest('fans', env);
  const wired = service.features.find((candidate) => candidate.feature === fansFeature);
  if (!wired) {
    await service.stop();
    throw new Error('the fans feature is not wired in the service');
  }
  return { ...service, fans: wired.services as FanServices };
}
