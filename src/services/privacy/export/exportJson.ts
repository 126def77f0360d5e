import { FILE_FAMILIES } from '../files/fileFamilies';
import { personRowsIn } from '../files/personFiles';
import type { StoredDoc } from '../holders/holder';
import { storeHolders } from '../holders/storeHolders';
import { personRecordsInBuffer } from '../lake/lakeBuffer';
import { lakeObjects, personRecordsIn } from '../lake/lakeFiles';
import type { PrivacyDeps, Subject } from '../subject';

/** What an export holds, counted as it is written. */
export interface ExportCounts {
  documents: number;
  fileRows: number;
  lakeRecords: number;
}

/**
 * The person's data as one JSON document, streamed: the store's documents by collection (of a
 * document that also lists other people, only the person's part), their rows in files, their
 * records in the lake and in the lake writer's buffer.
 */
export async function* exportJson(
  deps: PrivacyDeps,
  subject: Subject,
  counts: ExportCounts,
  now: Date,
): AsyncGenerator<string> {
  yield `{"subject":${JSON.stringify(subject.person)},"generatedAt":${JSON.stringify(now.toISOString())},"collections":{`;
  let collections = 0;
  for (const holder of storeHolders) {
    const filter = holder.filter(subject.trail);
    if (!filter) continue;
    let documents = 0;
    for await (const doc of deps.db.collection<StoredDoc>(holder.collection).find(filter, { sort: { _id: 1 } })) {
      const shown = holder.present ? holder.present(doc, subject.trail) : doc;
      yield `${documents === 0 ? `${collections++ ? ',' : ''}\n${JSON.stringify(holder.collection)}:[` : ','}\n${JSON.stringify(shown)}`;
      documents += 1;
    }
    if (documents > 0) yield ']';
    counts.documents += documents;
  }
  yield '},\n"files":[';
  let files = 0;
  for (const family of FILE_FAMILIES) {
    for (const object of await deps.objects.list(family.prefix)) {
      if (family.skip?.(object.key)) continue;
      for (const found of await personRowsIn(deps, family, object, subject.matcher)) {
        yield `${files++ ? ',' : ''}\n${JSON.stringify(found)}`;
        counts.fileRows += found.rows.length;
      }
    }
  }
  yield '],\n"lake":[';
  let lakeFiles = 0;
  for (const object of await lakeObjects(deps.objects)) {
    const records = await personRecordsIn(deps.objects, object.key, subject.matcher);
    if (records.length === 0) continue;
    yield `${lakeFiles++ ? ',' : ''}\n${JSON.stringify({ key: object.key, records })}`;
    counts.lakeRecords += records.length;
  }
  const buffered = await personRecordsInBuffer(deps.db, subject.matcher);
  if (buffered.length > 0) {
    yield `${lakeFiles ? ',' : ''}\n${JSON.stringify({ key: null, buffered: true, records: buffered })}`;
    counts.lakeRecords += buffered.length;
  }
  yield ']}\n';
}
