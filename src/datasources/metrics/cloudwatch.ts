import { CloudWatchClient, PutMetricDataCommand, type StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { Config } from '../../config';

/** One figure of a run, as CloudWatch takes it. */
export interface MetricDatum {
  name: string;
  value: number;
  unit: Extract<StandardUnit, 'Count' | 'Milliseconds' | 'Seconds' | 'None'>;
  dimensions?: Record<string, string>;
}

/**
 * Where pipelines push their per-run figures besides the Prometheus registry (which is pulled
 * from /metrics and always on). `prometheus` pushes nowhere; `cloudwatch` calls PutMetricData.
 */
export interface MetricsPublisher {
  readonly engine: 'prometheus' | 'cloudwatch';
  publish(namespace: string, data: readonly MetricDatum[]): Promise<void>;
}

/** PutMetricData takes at most 1000 data per call. */
const MAX_DATA_PER_CALL = 1000;

export class CloudWatchPublisher implements MetricsPublisher {
  readonly engine = 'cloudwatch' as const;

  constructor(private readonly client: CloudWatchClient) {}

  async publish(namespace: string, data: readonly MetricDatum[]): Promise<void> {
    const timestamp = new Date();
    for (let i = 0; i < data.length; i += MAX_DATA_PER_CALL) {
      await this.client.send(
        new PutMetricDataCommand({
          Namespace: namespace,
          MetricData: data.slice(i, i + MAX_DATA_PER_CALL).map((datum) => ({
            MetricName: datum.name,
            Value: datum.value,
            Unit: datum.unit,
            Timestamp: timestamp,
            Dimensions: Object.entries(datum.dimensions ?? {}).map(([Name, Value]) => ({ Name, Value })),
          })),
        }),
      );
    }
  }
}

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
