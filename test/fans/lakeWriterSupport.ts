import { streams } from 'avsc';
import type { ObjectStore } from '../../src/datasources/objects/port';

export interface LakeFile {
  /** The writer schema from the file's header. */
  schema: any;
  codec: string;
  records: any[];
}

/** Reads an Avro object container file of the objects port with avsc, as a lake reader would. */
export async function readLakeFile(objects: ObjectStore, key: string): Promise<LakeFile> {
  const object = await objects.get(key);
  if (!object) throw new Error(`no object ${key}`);
  const decoder = new streams.BlockDecoder();
  const records: any[] = [];
  let schema: any;
  let codec = '';
  decoder.on('metadata', (_type, fileCodec, header) => {
    codec = fileCodec;
    schema = JSON.parse(header.meta['avro.schema'].toString());
  });
  await new Promise<void>((resolve, reject) => {
    decoder.on('data', (record) => records.push({ ...record }));
    decoder.on('end', resolve);
    decoder.on('error', reject);
    object.body.on('error', reject).pipe(decoder);
  });
  return { schema, codec, records };
}

/** Waits until `check` answers true (the flusher runs on its own timer), failing after `ms`. */
export async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
