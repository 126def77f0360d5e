import type { Readable } from 'node:stream';
import { badInput } from '../../../errors';
import { readRowBatches } from '../../uploads/readRows';
import type { UploadLimits } from '../../uploads/uploadLimits';
import type { WaveConfig } from '../model';
import { RECIPIENT_COLUMNS, REQUIRED_COLUMNS } from './recipientRow';
import { placeholdersOf } from './template';

/** Placeholders a row may fill without a column of that name: the fan's entry has a first name. */
const FILLED_WITHOUT_COLUMN = ['firstname'];

/**
 * Reads a wave file through, as the upload request does before anything is kept: its size and
 * rows within the waveFile limits (PAYLOAD_TOO_LARGE), the columns a wave needs, and a column
 * for every placeholder of the templates (BAD_USER_INPUT naming it). Answers the data rows.
 */
export async function checkWaveFile(
  source: Readable,
  filename: string,
  config: Pick<WaveConfig, 'messageTemplate' | 'emailSubjectTemplate' | 'emailTemplate' | 'generateOfferCode'>,
  limits: UploadLimits,
): Promise<number> {
  let rows = 0;
  const batches = readRowBatches(source, filename, { ...limits, requiredHeaders: [...REQUIRED_COLUMNS] });
  for await (const batch of batches) {
    if (rows === 0) checkColumns(Object.keys(batch[0]!.record), config);
    rows += batch.length;
  }
  if (rows === 0) throw badInput('The file has a header row and no recipients', 'file');
  return rows;
}

function checkColumns(columns: string[], config: Parameters<typeof checkWaveFile>[2]): void {
  if (!RECIPIENT_COLUMNS.some((name) => columns.includes(name))) {
    throw badInput(`The header row has neither a userId nor an email column (columns: ${columns.join(', ')})`, 'file');
  }
  const templates: [string, string | null][] = [
    ['config.messageTemplate', config.messageTemplate],
    ['config.emailSubjectTemplate', config.emailSubjectTemplate],
    ['config.emailTemplate', config.emailTemplate],
  ];
  for (const [field, template] of templates) {
    for (const name of placeholdersOf(template ?? '')) {
      if (columns.includes(name) || FILLED_WITHOUT_COLUMN.includes(name)) continue;
      if (name === 'code' && config.generateOfferCode) continue;
      const hint = name === 'code' ? ' (or set generateOfferCode)' : '';
      throw badInput(`${field}: {{${name}}} has no column of that name in the file${hint}`, field);
    }
  }
}
