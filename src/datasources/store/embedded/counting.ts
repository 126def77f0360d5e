import type { Document } from './bson';
import { compareCollated } from './collation';
import type { Engine } from './engine';
import type { Evaluation } from './evaluation';
import { countByIndex } from './indexCount';
import { encodeKey } from './keyCodec';
import { valuesAtPath } from './paths';
import { runPipeline } from './pipelineRun';
import { runQuery } from './query';
import { emptyStats } from './scan';
import { viewOf } from './views';

/** countDocuments, count, estimatedDocumentCount and distinct, on a collection or a view. */

function matchingDocuments(
  engine: Engine,
  name: string,
  filter: Document,
  skip: number,
  limit: number,
  evaluation?: Evaluation,
): Iterable<Document> {
  if (viewOf(engine, name)) {
    const stages: Document[] = [{ $match: filter }];
    if (skip > 0) stages.push({ $skip: skip });
    if (limit > 0) stages.push({ $limit: limit });
    return runPipeline(engine, name, stages, evaluation);
  }
  const { results } = runQuery(engine, name, { filter, sort: [], skip, limit, evaluation }, emptyStats());
  return (function* documents() {
    for (const { document } of results) yield document;
  })();
}

export function countMatches(
  engine: Engine,
  name: string,
  filter: Document,
  skip: number,
  limit: number,
  evaluation?: Evaluation,
): number {
  engine.refreshCatalog();
  const collection = viewOf(engine, name) ? undefined : engine.collectionEntry(name);
  const counted = collection && countByIndex(engine, collection, filter, skip, limit, evaluation);
  if (counted !== undefined) return counted;
  let count = 0;
  for (const _ of matchingDocuments(engine, name, filter, skip, limit, evaluation)) count++;
  return count;
}

/** A collection's documents counted from its table alone; a view's by running it. */
export function estimatedCount(engine: Engine, name: string): number {
  engine.refreshCatalog();
  if (viewOf(engine, name)) return countMatches(engine, name, {}, 0, 0);
  const collection = engine.collectionEntry(name);
  if (!collection) return 0;
  const start = Buffer.alloc(4);
  start.writeUInt32BE(collection.id);
  const end = Buffer.alloc(4);
  end.writeUInt32BE(collection.id + 1);
  return engine.docs.getCount({ start, end });
}

/**
 * Distinct values of a field (array elements counted one by one), in BSON order; under a
 * collation, values it deems equal count once and strings sort by it.
 */
export function distinctValues(
  engine: Engine,
  name: string,
  key: string,
  filter: Document,
  evaluation?: Evaluation,
): unknown[] {
  engine.refreshCatalog();
  const values = new Map<string, unknown>();
  for (const document of matchingDocuments(engine, name, filter, 0, 0, evaluation)) {
    for (const value of valuesAtPath(document, key).values) {
      if (value === undefined) continue;
      values.set(encodeKey(value).toString('latin1'), value);
    }
  }
  const sorted = [...values.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
  const collation = evaluation?.collation;
  if (!collation) return sorted;
  const collated = sorted.sort((a, b) => compareCollated(a, b, collation));
  return collated.filter((value, index) => index === 0 || compareCollated(collated[index - 1], value, collation) !== 0);
}
