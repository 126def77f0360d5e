import type { QueueMessage } from '../../datasources/queue';
import type { ConsumerResult } from '../../jobs/jobType';
import { acknowledgeClicks } from './acknowledgeClicks';
import { clickBatchMessage, processedKeysMessage, type ClickBatchMessage, type ProcessedKeysMessage } from './messages';
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

export const emptyTotals = (): HandledTotals => ({
  rows: 0,
  clicks: 0,
  rejected: 0,
  eventKeys: 0,
  overflowed: 0,
  acknowledged: 0,
});

function parseBody<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  body: string,
): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Processor worker. The messages received together are processed as one batch per business
 * unit: their rows share sends, links and click-event keys, so one pass writes each of those
 * once instead of once per message. If that pass fails, each message is processed on its own,
 * so only the failing one is redelivered (every write is idempotent, so redoing the others'
 * partial writes changes nothing). A body that is not a click batch is poison and dead-letters
 * at once.
 */
export async function handleClickBatches(
  deps: ClickPipelineDeps,
  messages: QueueMessage[],
  totals = emptyTotals(),
): Promise<ConsumerResult> {
  const result: Required<Pick<ConsumerResult, 'retry' | 'deadLetter'>> = { retry: [], deadLetter: [] };
  const byUnit = new Map<string, { message: QueueMessage; batch: ClickBatchMessage }[]>();
  for (const message of messages) {
    const batch = parseBody(clickBatchMessage, message.body);
    if (!batch) {
      deps.logger.error({ messageId: message.id }, 'clicks-to-process message is not a click batch; dead-lettered');
      result.deadLetter.push(message);
      continue;
    }
    byUnit.set(batch.bu, [...(byUnit.get(batch.bu) ?? []), { message, batch }]);
  }
  for (const [bu, received] of byUnit) {
    if (received.length > 1 && (await processTogether(deps, bu, received, totals))) continue;
    for (const { message, batch } of received) {
      if (!(await processTogether(deps, bu, [{ message, batch }], totals))) result.retry.push({ message });
    }
  }
  return result;
}

/**
 * Processes the rows of several messages of one unit in passes, each one commit of its click
 * events and figures; false if a pass failed. Rows received together that fill a pass of
 * `writeRows` mean the processors are behind: passes of `writeRows`, the fewest commits per row.
 * Fewer rows are the live trickle of a source kept up with: passes of `liveWriteRows`, so no
 * commit holds the event loop long while dashboards read.
 */
async function processTogether(
  deps: ClickPipelineDeps,
  bu: string,
  received: { message: QueueMessage; batch: ClickBatchMessage }[],
  totals: HandledTotals,
): Promise<boolean> {
  try {
    const rows = received.flatMap(({ batch }) => batch.rows);
    const passRows = rows.length >= deps.writeRows ? deps.writeRows : Math.min(deps.liveWriteRows, deps.writeRows);
    for (let start = 0; start < rows.length; start += passRows) {
      const result = await processClicks(deps, bu, rows.slice(start, start + passRows));
      deps.metrics?.rows(bu, 'processed', result.clicks);
      deps.metrics?.rows(bu, 'rejected', result.rejected);
      add(totals, result);
    }
    return true;
  } catch (error) {
    const ids = received.map(({ message }) => message.id);
    const again = received.length > 1 ? 'each message will be processed on its own' : 'it will be delivered again';
    deps.logger.error(
      { err: error, bu, messageIds: ids, receiveCount: received[0]!.message.receiveCount },
      `click batch failed; ${again}`,
    );
    return false;
  }
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
