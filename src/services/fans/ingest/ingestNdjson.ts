import type { FanIngest, IncomingRecord, IngestRejection } from './fanIngest';
import type { NdjsonLine } from './ndjsonLines';

/** Lines parsed and handed to the pipelines together: one store commit per pipeline per batch. */
export const INGEST_BATCH_LINES = 10_000;
/** The most rejections an answer lists; the counts cover them all. */
export const MAX_REJECTIONS_LISTED = 1000;

export interface NdjsonIngestSummary {
  /** Non-blank lines. */
  received: number;
  accepted: number;
  rejected: number;
  byType: Record<string, { accepted: number; rejected: number }>;
  /** The first MAX_REJECTIONS_LISTED rejected lines, in line order. */
  rejections: IngestRejection[];
  /** True when there were more rejections than listed. */
  rejectionsTruncated: boolean;
}

/** Parses a line's JSON, or says why it cannot be. */
function incoming({ line, text }: NdjsonLine): IncomingRecord {
  try {
    return { line, value: JSON.parse(text) };
  } catch (error) {
    return { line, error: `not a JSON record: ${(error as Error).message}` };
  }
}

/** Ingests the lines of an NDJSON body, a batch at a time; every accepted record is durable when it returns. */
export async function ingestNdjson(ingest: FanIngest, lines: NdjsonLine[]): Promise<NdjsonIngestSummary> {
  const summary: NdjsonIngestSummary = {
    received: lines.length,
    accepted: 0,
    rejected: 0,
    byType: {},
    rejections: [],
    rejectionsTruncated: false,
  };
  for (let start = 0; start < lines.length; start += INGEST_BATCH_LINES) {
    const batch = lines.slice(start, start + INGEST_BATCH_LINES).map(incoming);
    const outcome = await ingest.ingest(batch, 'http');
    summary.accepted += outcome.accepted;
    summary.rejected += outcome.rejections.length;
    for (const [type, counts] of Object.entries(outcome.byType)) {
      const total = (summary.byType[type] ??= { accepted: 0, rejected: 0 });
      total.accepted += counts.accepted;
      total.rejected += counts.rejected;
    }
    const room = MAX_REJECTIONS_LISTED - summary.rejections.length;
    summary.rejections.push(...outcome.rejections.slice(0, Math.max(0, room)));
  }
  summary.rejectionsTruncated = summary.rejected > summary.rejections.length;
  return summary;
}
