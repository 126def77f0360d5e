/** One figure of a run, as CloudWatch takes it. */
export interface MetricDatum {
  name: string;
  value: number;
  unit: 'Count' | 'Milliseconds' | 'Seconds' | 'None';
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
