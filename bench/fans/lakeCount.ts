import { once } from 'node:events';
import { streams } from 'avsc';
import type { ObjectStore } from '../../src/datasources/objects/port';

/** The lake folder of a record type's UTC day: `avro/{recordType}/YYYY/MM/DD/`. */
export const dayPrefix = (recordType: string, day: number) =>
  `avro/${recordType}/${new Date(day).toISOString().slice(0, 10).replaceAll('-', '/')}/`;

/**
 * Records in the Avro files directly under `prefix` (what a reader of the prefix, Athena, sees),
 * counted by decoding each file with the writer schema in its header: an independent count, not
 * the lake's own bookkeeping.
 */
export async function countLakeRecords(
  objects: ObjectStore,
  prefix: string,
): Promise<{ files: number; records: number }> {
  let files = 0;
  let records = 0;
  for (const object of await objects.list(prefix)) {
    if (!object.key.endsWith('.avro') || object.key.slice(prefix.length).includes('/')) continue;
    const stored = await objects.get(object.key);
    if (!stored) continue;
    files += 1;
    const decoder = new streams.BlockDecoder({ noDecode: true });
    decoder.on('data', () => (records += 1));
    stored.body.pipe(decoder);
    await once(decoder, 'end');
  }
  return { files, records };
}
