import { z } from 'zod';
import type { SourceRow } from '../../datasources/sfmc';

/** Body of a `clicks-to-process` message: source rows of one business unit. */
/**
 * A row's values need only be an object here: parseClickRow validates every column it reads
 * and rejects the row, not the message, so checking each value twice would only cost time.
 */
const rowValues = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  {
    message: 'row values must be an object',
  },
);

export const clickBatchMessage = z.object({
  bu: z.string().min(1),
  rows: z.array(z.object({ key: z.string().min(1), values: rowValues })),
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

/**
 * The `clicks-to-process` bodies for a page of rows: at most `maxItems` rows and `maxBytes`
 * each. Each row is stringified once, both to measure it and as its part of the body.
 */
export function encodeBatches(bu: string, rows: SourceRow[], maxItems: number, maxBytes = MAX_MESSAGE_BYTES): string[] {
  const head = `{"bu":${JSON.stringify(bu)},"rows":[`;
  const bodies: string[] = [];
  let parts: string[] = [];
  let bytes = Buffer.byteLength(head) + 2;
  const flush = () => {
    bodies.push(`${head}${parts.join(',')}]}`);
    parts = [];
    bytes = Buffer.byteLength(head) + 2;
  };
  for (const row of rows) {
    const json = JSON.stringify({ key: row.key, values: row.values } satisfies ClickBatchMessage['rows'][number]);
    const size = Buffer.byteLength(json) + 1;
    if (parts.length > 0 && (parts.length >= maxItems || bytes + size > maxBytes)) flush();
    parts.push(json);
    bytes += size;
  }
  if (parts.length > 0) flush();
  return bodies;
}

export const encodeKeys = (bu: string, keys: string[]) => JSON.stringify({ bu, keys } satisfies ProcessedKeysMessage);
