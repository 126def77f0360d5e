import { Counter, Histogram, type Registry } from 'prom-client';
import type { LeadDoc } from './model';

/** Lead routing's Prometheus metrics, registered once per registry (one per service instance). */
export interface LeadMetrics {
  timeInQueue: Histogram<'agent'>;
  timeToAnswer: Histogram<'agent' | 'outcome'>;
  assignments: Counter<'agent'>;
  timeouts: Counter<'agent'>;
  declines: Counter<'agent'>;
}

const SECONDS_BUCKETS = [0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 900, 3600, 14_400, 86_400];

/** Registers lead routing's metrics in `registry`; a registry takes them once. */
export function createLeadMetrics(registry: Registry): LeadMetrics {
  const registers = [registry];
  const byAgent = ['agent'] as const;
  return {
    timeInQueue: new Histogram({
      name: 'leads_time_in_queue_seconds',
      help: 'Wait from (re)entering the queue to assignment, by agent',
      labelNames: byAgent,
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    timeToAnswer: new Histogram({
      name: 'leads_time_to_answer_seconds',
      help: 'Assignment to answer, by agent and outcome',
      labelNames: ['agent', 'outcome'] as const,
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    assignments: new Counter({
      name: 'leads_assignments_total',
      help: 'Leads pushed to an agent',
      labelNames: byAgent,
      registers,
    }),
    timeouts: new Counter({
      name: 'leads_push_timeouts_total',
      help: 'Leads released after the push time-out, by agent',
      labelNames: byAgent,
      registers,
    }),
    declines: new Counter({
      name: 'leads_declines_total',
      help: 'Leads declined, by agent',
      labelNames: byAgent,
      registers,
    }),
  };
}

/** Seconds the lead waited in the queue before this assignment (since it last entered it). */
export function secondsInQueue(lead: LeadDoc): number | null {
  const assigned = lead.history.at(-1);
  const entered = lead.history.at(-2);
  if (!assigned || !entered) return null;
  return Math.max(0, (assigned.at.getTime() - entered.at.getTime()) / 1000);
}
