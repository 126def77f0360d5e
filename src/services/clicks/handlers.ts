import type { QueueMessage } from '../../datasources/queue';
import type { ConsumerResult } from '../../jobs/jobType';
import { acknowledgeClicks } from './acknowledgeClicks';
import { clickBatchMessage, processedKeysMessage, type ProcessedKeysMessage } from './messages';
import type { ClickPipelineDeps } from './pipeline';
import { processClicks, type ProcessClicksResult } from './processClicks';

export interface HandledTotals {
  rows: number;
  clicks: number;
  rejected: number;
  eventKeys: number;
  overflowed: number;
  acknowledged: number;
}

export const emptyTotals = (): HandledTotals => ({ rows: 0, clicks: 0, rejected: 0, eventKeys: 0, overflowed: 0, acknowledged: 0 });

function parseBody<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, body: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Processor worker: each message on its own, so one failing batch is redelivered alone. A body
 * that is not a click batch is poison and dead-letters at once.
 */
export async function handleClickBatches(deps: ClickPipelineDeps, messages: QueueMessage[], totals = emptyTotals()): Promise<ConsumerResult> {
  const result: Required<Pick<ConsumerResult, 'retry' | 'deadLetter'>> = { retry: [], deadLetter: [] };
  for (const message of messages) {
    const batch = parseBody(clickBatchMessage, message.body);
    if (!batch) {
      deps.logger.error({ messageId: message.id }, 'clicks-to-process message is not a click batch; dead-lettered');
      result.deadLetter.push(message);
      continue;
    }
    try {
      const result = await processClicks(deps, batch.bu, batch.rows);
      deps.metrics?.rows(batch.bu, 'processed', result.clicks);
      deps.metrics?.rows(batch.bu, 'rejected', result.rejected);
      add(totals, result);
    } catch (error) {
      deps.logger.error({ err: error, bu: batch.bu, messageId: message.id, receiveCount: message.receiveCount }, 'click batch failed; it will be delivered again');
      result.retry.push({ message });
    }
  }
  return result;
}

/** Acknowledger worker: the keys of all messages received together, in one call per unit. */
export async function handleProcessedKeys(
  deps: ClickPipelineDeps,
  messages: QueueMessage[],
  signal?: AbortSignal,
  totals = emptyTotals(),
): Promise<ConsumerResult> {
  const valid: ProcessedKeysMessage[] = [];
  const deadLetter: QueueMessage[] = [];
  for (const message of messages) {
    const keys = parseBody(processedKeysMessage, message.body);
    if (keys) valid.push(keys);
    else {
      deps.logger.error({ messageId: message.id }, 'clicks-processed message is not a list of keys; dead-lettered');
      deadLetter.push(message);
    }
  }
  const acknowledged = await acknowledgeClicks(deps, valid, signal);
  for (const [bu, count] of Object.entries(acknowledged)) {
    deps.metrics?.acknowledged(bu, count);
    totals.acknowledged += count;
  }
  return { deadLetter };
}

function add(totals: HandledTotals, result: ProcessClicksResult): void {
  totals.rows += result.rows;
  totals.clicks += result.clicks;
  totals.rejected += result.rejected;
  totals.eventKeys += result.eventKeys;
  totals.overflowed += result.overflowed;
}
