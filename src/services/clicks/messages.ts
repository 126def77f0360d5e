import { z } from 'zod';
import type { SourceRow } from '../../datasources/sfmc';

/** Body of a `clicks-to-process` message: source rows of one business unit. */
export const clickBatchMessage = z.object({
  bu: z.string().min(1),
  rows: z.array(z.object({ key: z.string().min(1), values: z.record(z.string(), z.unknown()) })),
});
export type ClickBatchMessage = z.infer<typeof clickBatchMessage>;

/** Body of a `clicks-processed` message: source row keys to mark processed. */
export const processedKeysMessage = z.object({
  bu: z.string().min(1),
  keys: z.array(z.string().min(1)),
});
export type ProcessedKeysMessage = z.infer<typeof processedKeysMessage>;

/** SQS takes 256 KiB per message; stay well under it with room for attributes. */
export const MAX_MESSAGE_BYTES = 200_000;

/**
 * Splits items into chunks of at most `maxItems` whose JSON stays under `maxBytes`, so a
 * batch of long URLs never makes a message the queue refuses.
 */
export function chunkBySize<T>(items: T[], maxItems: number, maxBytes = MAX_MESSAGE_BYTES): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (current.length > 0 && (current.length >= maxItems || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export const encodeBatch = (bu: string, rows: SourceRow[]) => JSON.stringify({ bu, rows } satisfies ClickBatchMessage);
export const encodeKeys = (bu: string, keys: string[]) => JSON.stringify({ bu, keys } satisfies ProcessedKeysMessage);
