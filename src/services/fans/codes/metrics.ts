import { Counter, type Registry } from 'prom-client';

/** Code pools' and code assignment's Prometheus counters, registered once per registry. */
export interface CodeMetrics {
  /** Records handled, by outcome (assigned, unchanged, refreshed, rejected) and reject reason. */
  assignments: Counter<'outcome' | 'reason'>;
  /** Verdict messages published on FAN_VERDICTS_QUEUE. */
  verdictMessages: Counter;
  /** Codes of uploads, by outcome (added, alreadyInPool, rejected) and reject reason. */
  uploadedCodes: Counter<'outcome' | 'reason'>;
}

export function createCodeMetrics(registry: Registry): CodeMetrics {
  const registers = [registry];
  return {
    assignments: new Counter({
      name: 'fan_code_assignments_total',
      help: 'Code-assignment records handled, by outcome and reject reason',
      labelNames: ['outcome', 'reason'] as const,
      registers,
    }),
    verdictMessages: new Counter({
      name: 'fan_verdict_messages_total',
      help: 'Verdict messages published on the verdicts queue (one per batch and campaign)',
      registers,
    }),
    uploadedCodes: new Counter({
      name: 'fan_uploaded_codes_total',
      help: 'Codes of code-pool uploads, by outcome and reject reason',
      labelNames: ['outcome', 'reason'] as const,
      registers,
    }),
  };
}
