import type { Readable } from 'node:stream';
import type { ScoringRecord } from '../records';
import { UNSCORED_REASONS } from './reasons';
import { parseScore, scoredFileColumns } from './scoredFileColumns';
import { lineBatches } from './textLines';

/**
 * The scoring records of a scrubbed file: one per row that reached its entry with a usable
 * score (kept, or dropped for its e-mail or phone), in file order. `position` is the row's
 * line number; rows at or before `afterLine` (applied by an earlier attempt) are skipped.
 */
export async function* scrubbedRecords(
  scrubbed: Readable,
  options: { maxLineChars: number; afterLine: number; scoredAt: number },
): AsyncGenerator<{ record: ScoringRecord; position: number }> {
  let columns: ReturnType<typeof scoredFileColumns> | null = null;
  for await (const { firstLine, lines } of lineBatches(scrubbed, options.maxLineChars)) {
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index];
      const lineNumber = firstLine + index;
      if (columns === null) {
        columns = scoredFileColumns(line ?? null);
        continue;
      }
      if (!line || lineNumber <= options.afterLine) continue;
      const cells = line.split('\t');
      // the scrub added verdict and reason as the last two columns
      const reason = cells[cells.length - 1]!;
      if (cells.length !== columns.count || UNSCORED_REASONS.has(reason)) continue;
      const score = parseScore(cells[columns.score]);
      if (score === null) continue;
      const email = cells[columns.email]!.trim().toLowerCase();
      const record: ScoringRecord = {
        type: 'scoring',
        campaignId: cells[columns.campaignId]!.trim(),
        userId: cells[columns.userId]!.trim(),
        email: email === '' ? null : email,
        score,
        verdict: reason === '' ? null : false,
        reason: reason === '' ? null : reason,
        source: 'SCORED_FILE',
        scoredAt: options.scoredAt,
      };
      yield { record, position: lineNumber };
    }
  }
}
