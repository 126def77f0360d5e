import type { Document } from './bson';
import type { Engine } from './engine';
import type { Evaluation } from './evaluation';
import { checkPipeline } from './pipelineCheck';
import { runPipeline } from './pipelineRun';
import { PulledCursor } from './pulledCursor';
import type { AggregationCursor } from '../port';

/**
 * The driver's AggregationCursor for the embedded engine: the pipeline (pipelineRun.ts) runs as
 * the cursor is read. Without a collection it is `db.aggregate()`'s cursor.
 */
export class EmbeddedAggregationCursor<T = Document> extends PulledCursor<T> implements AggregationCursor<T> {
  private transforms: Array<(document: any) => any> = [];

  constructor(
    private readonly engine: Engine,
    private readonly collectionName: string | undefined,
    private readonly pipeline: Document[],
    private readonly evaluation?: Evaluation,
  ) {
    super();
    checkPipeline(pipeline);
  }

  private *generate(): Generator<T> {
    this.engine.refreshCatalog();
    yield* runPipeline(this.engine, this.collectionName, this.pipeline, this.evaluation) as Generator<T>;
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
