import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { CAMPAIGN_ID, phoneOf, scoredEmailOf, scoreOf, userIdOf } from './fanData';

/**
 * The data-science file for fans [0, rows): tab-separated campaignId, userId, email, phone,
 * score under a header line, e-mails as `scoredEmailOf` writes them (one row in ten a
 * blacklisted variant). Written to disk so the upload streams it.
 */
export async function writeScoredFile(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  out.write('campaignId\tuserId\temail\tphone\tscore\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `${CAMPAIGN_ID}\t${userIdOf(i)}\t${scoredEmailOf(i)}\t${phoneOf(i)}\t${scoreOf(i).toFixed(6)}\n`;
    if (chunk.length > 256 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return out.bytesWritten;
}
