import { Aggregator } from 'mingo';
import type { Document } from './bson';
import type { Engine } from './engine';
import { fromMingoError, serverError } from './errors';
import { mingoOptions } from './mingoOptions';
import { runQuery } from './query';
import { emptyStats } from './scan';
import { foldGroups, streamableGroup } from './streamGroup';
import { isPlainObject, normalizeSort, type SortPairs } from './values';
import { PulledCursor } from './pulledCursor';
import type { AggregationCursor } from '../port';

/** Stages that write or need a server feature the embedded engine does not have. */
const UNSUPPORTED_STAGES = new Set(['$out', '$merge', '$changeStream', '$search', '$searchMeta', '$vectorSearch', '$geoNear', '$collStats', '$indexStats', '$currentOp', '$listSessions']);

function checkPipeline(pipeline: Document[]): void {
  if (!Array.isArray(pipeline)) throw serverError(14, 'TypeMismatch', "'pipeline' option must be specified as an array");
  for (const stage of pipeline) {
    const names = isPlainObject(stage) ? Object.keys(stage) : [];
    if (names.length !== 1) throw serverError(40323, 'Location40323', 'A pipeline stage specification object must contain exactly one field.');
    if (UNSUPPORTED_STAGES.has(names[0]!)) {
      throw serverError(40324, 'UnrecognizedPipelineStage', `The embedded store does not support the ${names[0]} stage`);
    }
  }
}

/**
 * The driver's AggregationCursor for the embedded engine. A leading $match (and a $sort right
 * after it) runs through the query planner, so it uses indexes; a simple `$group` next folds the
 * streamed documents into running totals (streamGroup.ts); the rest of the pipeline runs in
 * mingo over documents streamed from LMDB. $lookup and friends read the other collection.
 */
export class EmbeddedAggregationCursor<T = Document> extends PulledCursor<T> implements AggregationCursor<T> {
  private transforms: Array<(document: any) => any> = [];

  constructor(
    private readonly engine: Engine,
    private readonly collectionName: string,
    private readonly pipeline: Document[],
  ) {
    super();
    checkPipeline(pipeline);
  }

  private source(): { documents: Generator<Document>; rest: Document[] } {
    let filter: Document = {};
    let sort: SortPairs = [];
    let consumed = 0;
    const [first, second] = this.pipeline;
    if (first && '$match' in first && isPlainObject(first.$match)) {
      filter = first.$match;
      consumed = 1;
      if (second && '$sort' in second) {
        sort = normalizeSort(second.$sort);
        consumed = 2;
      }
    }
    const { results } = runQuery(this.engine, this.collectionName, { filter, sort, skip: 0, limit: 0 }, emptyStats());
    function* documents(): Generator<Document> {
      for (const { document } of results) yield document;
    }
    return { documents: documents(), rest: this.pipeline.slice(consumed) };
  }

  private resolveCollection = (name: string): Document[] => {
    const { results } = runQuery(this.engine, name, { filter: {}, sort: [], skip: 0, limit: 0 }, emptyStats());
    return [...results].map(({ document }) => document);
  };

  private *generate(): Generator<T> {
    this.engine.refreshCatalog();
    let { documents, rest } = this.source();
    const group = streamableGroup(rest[0]);
    if (group) {
      documents = foldGroups(documents, group);
      rest = rest.slice(1);
    }
    if (rest.length === 0) {
      yield* documents as Generator<T>;
      return;
    }
    let output;
    try {
      output = new Aggregator(rest, mingoOptions(this.resolveCollection)).stream(documents);
    } catch (error) {
      throw fromMingoError(error);
    }
    while (true) {
      let step;
      try {
        step = output.next();
      } catch (error) {
        throw fromMingoError(error);
      }
      if (step.done) return;
      yield step.value as T;
    }
  }

  protected pull(): IteratorResult<T> {
    if (this.isClosed) return { done: true, value: undefined };
    this.iterator ??= this.generate();
    const result = this.iterator.next();
    if (result.done) {
      this.isClosed = true;
      return result;
    }
    let value: any = result.value;
    for (const transform of this.transforms) value = transform(value);
    return { done: false, value };
  }

  map<U>(transform: (document: T) => U): EmbeddedAggregationCursor<U> {
    if (this.iterator) throw new Error('Cursor is already initialized');
    this.transforms.push(transform);
    return this as unknown as EmbeddedAggregationCursor<U>;
  }
}
