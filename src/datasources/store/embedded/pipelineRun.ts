import type { Document } from './bson';
import type { Engine } from './engine';
import { fromMingoError } from './errors';
import { aggregatorFor, type Evaluation } from './evaluation';
import { runQuery } from './query';
import { emptyStats } from './scan';
import { foldGroups, streamableGroup } from './streamGroup';
import { isPlainObject, normalizeSort, type SortPairs } from './values';
import { resolveView } from './views';

/**
 * Runs a pipeline over a collection, a view (its pipeline first) or, for `db.aggregate()`,
 * nothing (a leading `$documents` makes the documents). A leading $match (and a $sort right
 * after it) runs through the query planner, so it uses indexes; a simple `$group` next folds the
 * streamed documents into running totals (streamGroup.ts); the rest runs in mingo over
 * documents streamed from LMDB. $lookup and friends read the other collection (or view).
 * The caller refreshes the catalog first.
 */
export function* runPipeline(
  engine: Engine,
  collectionName: string | undefined,
  pipeline: Document[],
  evaluation: Evaluation | undefined,
): Generator<Document> {
  const view = collectionName === undefined ? undefined : resolveView(engine, collectionName);
  const source = view ? view.source : collectionName;
  const stages = view ? [...view.pipeline, ...pipeline] : pipeline;
  let { documents, rest } =
    source === undefined ? { documents: nothing(), rest: stages } : leadingQuery(engine, source, stages, evaluation);
  const group = streamableGroup(rest[0]);
  if (group) {
    documents = foldGroups(documents, group);
    rest = rest.slice(1);
  }
  if (rest.length === 0) {
    yield* documents;
    return;
  }
  const resolveCollection = (name: string): Document[] => [...runPipeline(engine, name, [], undefined)];
  let output;
  try {
    output = aggregatorFor(rest, evaluation, resolveCollection).stream(documents);
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
    yield step.value as Document;
  }
}

function* nothing(): Generator<Document> {}

function leadingQuery(
  engine: Engine,
  collectionName: string,
  pipeline: Document[],
  evaluation: Evaluation | undefined,
): { documents: Generator<Document>; rest: Document[] } {
  let filter: Document = {};
  let sort: SortPairs = [];
  let consumed = 0;
  const [first, second] = pipeline;
  if (first && '$match' in first && isPlainObject(first.$match)) {
    filter = first.$match;
    consumed = 1;
    if (second && '$sort' in second) {
      sort = normalizeSort(second.$sort);
      consumed = 2;
    }
  }
  const { results } = runQuery(engine, collectionName, { filter, sort, skip: 0, limit: 0, evaluation }, emptyStats());
  function* documents(): Generator<Document> {
    for (const { document } of results) yield document;
  }
  return { documents: documents(), rest: pipeline.slice(consumed) };
}
