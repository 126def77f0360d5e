import { PutMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { MetricDatum, MetricsPublisher } from '../port';

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
