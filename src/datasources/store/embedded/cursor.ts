import type { Document } from './bson';
import type { Engine } from './engine';
import { notSupported } from './errors';
import type { Evaluation } from './evaluation';
import { runPipeline } from './pipelineRun';
import { coveredFields, project } from './projection';
import { runQuery, type QuerySpec } from './query';
import { emptyStats } from './scan';
import { normalizeSort } from './values';
import { viewOf } from './views';
import { PulledCursor } from './pulledCursor';
import type { FindCursor, FindOptions, Sort, SortDirection } from '../port';

/**
 * The driver's FindCursor for the embedded engine: chainable sort/skip/limit/project/map,
 * toArray, next/hasNext/tryNext, async iteration, close and explain. Documents are read from
 * LMDB as the cursor advances, so iterating a large result does not hold it in memory.
 */
export class EmbeddedFindCursor<T = Document> extends PulledCursor<T> implements FindCursor<T> {
  private spec: QuerySpec;
  private projection: Document | undefined;
  private transforms: Array<(document: any) => any> = [];

  constructor(
    private readonly engine: Engine,
    private readonly collectionName: string,
    filter: Document,
    options: FindOptions = {},
    evaluation?: Evaluation,
  ) {
    super();
    const sort = normalizeSort(options.sort);
    this.spec = { filter, sort, skip: options.skip ?? 0, limit: Math.abs(options.limit ?? 0), evaluation };
    this.projection = options.projection;
  }

  private assertNotStarted(): void {
    if (this.iterator) throw new Error('Cursor is already initialized');
  }

  sort(sort: Sort, direction?: SortDirection): this {
    this.assertNotStarted();
    this.spec.sort = normalizeSort(typeof sort === 'string' && direction !== undefined ? [[sort, direction]] : sort);
    return this;
  }

  skip(skip: number): this {
    this.assertNotStarted();
    this.spec.skip = skip;
    return this;
  }

  limit(limit: number): this {
    this.assertNotStarted();
    this.spec.limit = Math.abs(limit);
    return this;
  }

  project<P extends Document = Document>(projection: Document): EmbeddedFindCursor<P> {
    this.assertNotStarted();
    this.projection = projection;
    return this as unknown as EmbeddedFindCursor<P>;
  }

  map<U>(transform: (document: T) => U): EmbeddedFindCursor<U> {
    this.assertNotStarted();
    this.transforms.push(transform);
    return this as unknown as EmbeddedFindCursor<U>;
  }

  /** The query with what the projection reads, so an index holding it all answers alone. */
  private querySpec(): QuerySpec {
    return { ...this.spec, cover: coveredFields(this.projection) };
  }

  private *fromCollection(): Generator<Document> {
    const { results } = runQuery(this.engine, this.collectionName, this.querySpec(), emptyStats());
    for (const { document } of results) yield document;
  }

  /** A find on a view: the view's pipeline, then the find's filter, sort, skip and limit as stages. */
  private fromView(): Generator<Document> {
    const { filter, sort, skip, limit, evaluation } = this.spec;
    const stages: Document[] = [];
    if (Object.keys(filter).length > 0) stages.push({ $match: filter });
    if (sort.length > 0) stages.push({ $sort: Object.fromEntries(sort) });
    if (skip > 0) stages.push({ $skip: skip });
    if (limit > 0) stages.push({ $limit: limit });
    return runPipeline(this.engine, this.collectionName, stages, evaluation);
  }

  private *generate(): Generator<T> {
    this.engine.refreshCatalog();
    const documents = viewOf(this.engine, this.collectionName) ? this.fromView() : this.fromCollection();
    for (const document of documents) {
      let value: any = project(document, this.projection);
      for (const transform of this.transforms) value = transform(value);
      yield value as T;
    }
  }

  protected pull(): IteratorResult<T> {
    if (this.isClosed) return { done: true, value: undefined };
    this.iterator ??= this.generate();
    const result = this.iterator.next();
    if (result.done) this.isClosed = true;
    return result;
  }

  rewind(): void {
    this.iterator?.return?.(undefined as never);
    this.iterator = undefined;
    this.buffered = undefined;
    this.isClosed = false;
  }

  /** MongoDB's explain('executionStats') subset: the winning plan and what it examined. */
  async explain(_verbosity?: 'queryPlanner' | 'executionStats' | 'allPlansExecution'): Promise<Document> {
    this.engine.refreshCatalog();
    if (viewOf(this.engine, this.collectionName)) throw notSupported('explain on a view');
    const stats = emptyStats();
    const { plan, results } = runQuery(this.engine, this.collectionName, this.querySpec(), stats);
    let returned = 0;
    for (const _ of results) returned++;
    const inputStage =
      plan.stage === 'IXSCAN'
        ? { stage: 'IXSCAN', indexName: plan.indexName, direction: plan.reverse ? 'backward' : 'forward' }
        : { stage: 'COLLSCAN' };
    const winningPlan = plan.stage === 'IXSCAN' ? { stage: 'FETCH', inputStage } : inputStage;
    return {
      queryPlanner: { namespace: `${this.engine.options.dbName}.${this.collectionName}`, winningPlan },
      executionStats: {
        nReturned: returned,
        totalKeysExamined: stats.keysExamined,
        totalDocsExamined: stats.docsExamined,
      },
    };
  }
}
