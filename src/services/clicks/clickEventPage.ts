import type { Collection, Filter } from '../../datasources/store';
import { badInput } from '../../errors';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, type Page, type PageArgs } from '../pagination';
import type { ClickEventDocument } from './clickModels';
import type { ClickEventKeyRange } from './modelIds';

/**
 * A page of click events, latest reporting day first. A click event's _id starts with its day,
 * so _id order is day order: the page is one range of an index ending in _id (the documents
 * themselves, or (send, _id), (url, _id), (bu, _id)), read backwards from the cursor, and the
 * reporting days asked for (the query's range of _id, clickEventFilter.ts) bound that range too.
 * No more events are read than the page holds (and one more, to tell whether another page
 * follows).
 */
export async function pageClickEvents<N>(
  events: Collection<ClickEventDocument>,
  query: Filter<ClickEventDocument>,
  args: PageArgs,
  toNode: (doc: ClickEventDocument) => N,
): Promise<Page<N>> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first: between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  const ids: ClickEventKeyRange = { ...(query._id as ClickEventKeyRange | undefined) };
  if (args.after) {
    const { id } = decodeCursor(args.after);
    if (typeof id !== 'string') throw badInput('after: not a cursor returned by this connection', 'after');
    if (!ids.$lt || id < ids.$lt) ids.$lt = id;
  }
  const filter = Object.keys(ids).length > 0 ? { ...query, _id: ids } : query;
  const [docs, totalCount] = await Promise.all([
    events.find(filter, { sort: { _id: -1 }, limit: first + 1 }).toArray(),
    events.countDocuments(query),
  ]);
  const edges = docs
    .slice(0, first)
    .map((doc) => ({ cursor: encodeCursor({ v: null, id: doc._id }), node: toNode(doc) }));
  return {
    edges,
    pageInfo: { hasNextPage: docs.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
