import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Config } from '../../config';
import { CloudWatchPublisher } from './cloudwatch/cloudwatch';
import type { MetricsPublisher } from './port';

export type { MetricDatum, MetricsPublisher } from './port';
export {
  createMetricsRegistry,
  createGraphQLMetrics,
  operationLabel,
  registerStoreMetrics,
  type GraphQLMetrics,
} from './prometheus';

const prometheusOnly: MetricsPublisher = {
  engine: 'prometheus',
  async publish() {
    // Prometheus scrapes the registry; there is nothing to push.
  },
};

/** The publisher chosen by METRICS_BACKEND (AWS credentials from the SDK's default chain). */
export function createMetricsPublisher(config: Config): MetricsPublisher {
  if (config.METRICS_BACKEND !== 'cloudwatch') return prometheusOnly;
  return new CloudWatchPublisher(new CloudWatchClient({ region: config.AWS_REGION }));
}
