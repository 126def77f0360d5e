import { uploadFileName } from '../../uploads/fileName';

/**
 * Where the scoring files live on the objects port (the seed's scoringBucket layout):
 * - `scored/...`: scored files dropped by Data Science, picked up by the poll;
 * - `uploads/scored/{uploadId}/{file}`: scored files uploaded through the API (outside the
 *   polled prefix, so an upload is processed by its own job only);
 * - `scrubbed/...`: scrubbed files;
 * - `fanlist/uploaded/{campaignId}/{file}.csv` with `manifest.json` beside it, and
 *   `fanlist/scored/{campaignId}/{file}.csv`.
 */
export const SCORED_PREFIX = 'scored/';
export const FANLIST_UPLOADED_PREFIX = 'fanlist/uploaded/';
export const FANLIST_MANIFEST = 'manifest.json';

/** Characters an object key segment may not hold (objects port's assertValidKey), each replaced by `_`. */
const KEY_UNSAFE = /[^A-Za-z0-9!_.*'()=,+@ -]/g;

/** An uploaded file's name as one key segment: its folder part, control characters and unsafe characters gone. */
export function objectName(raw: string, maxChars: number): string {
  const name = uploadFileName(raw, maxChars).replace(KEY_UNSAFE, '_');
  return name === '.' || name === '..' ? '_' : name;
}

export const scoredUploadKey = (uploadId: string, name: string) => `uploads/scored/${uploadId}/${name}`;

/** `scored/a/b.tsv` -> `scrubbed/a/b.tsv`; an upload -> `scrubbed/{uploadId}-{file}`. */
export function scrubbedKeyOf(sourceKey: string): string {
  if (sourceKey.startsWith(SCORED_PREFIX)) return `scrubbed/${sourceKey.slice(SCORED_PREFIX.length)}`;
  const [, , uploadId, ...name] = sourceKey.split('/');
  return `scrubbed/${uploadId}-${name.join('/')}`;
}

export const fanlistUploadKey = (campaignId: string, name: string) => `${FANLIST_UPLOADED_PREFIX}${campaignId}/${name}`;

/** The campaign and file of a fanlist key `fanlist/uploaded/{campaignId}/{file}.csv`; null for any other key. */
export function fanlistKeyParts(key: string): { campaignId: string; file: string } | null {
  const parts = key.split('/');
  if (parts.length !== 4 || `${parts[0]}/${parts[1]}/` !== FANLIST_UPLOADED_PREFIX) return null;
  const [, , campaignId, file] = parts as [string, string, string, string];
  if (!campaignId || !file.toLowerCase().endsWith('.csv')) return null;
  return { campaignId, file };
}

export const fanlistScoredKey = (campaignId: string, file: string) => `fanlist/scored/${campaignId}/${file}`;
export const fanlistManifestKey = (campaignId: string) => `${FANLIST_UPLOADED_PREFIX}${campaignId}/${FANLIST_MANIFEST}`;
