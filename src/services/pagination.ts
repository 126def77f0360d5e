import { EJSON } from 'bson';
import type { RememberedFigures } from '../datasources/rememberedFigures';
import type { Collection, Document, Filter, Sort } from '../datasources/store';
import { badInput } from '../errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<N> {
  edges: { cursor: string; node: N }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

interface CursorPosition {
  v: unknown;
  id: unknown;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(EJSON.stringify(position, { relaxed: false })).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    // relaxed: numbers come back as numbers (strict parsing makes Int32/Double wrappers, which the
    // embedded store's filters do not compare with stored numbers), dates and ObjectIds as themselves
    const position = EJSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'), { relaxed: true });
    if (position && typeof position === 'object' && 'id' in position) return position as CursorPosition;
  } catch {
    // falls through to the error below
  }
  throw badInput('after: not a cursor returned by this connection', 'after');
}

/**
 * Keyset pagination over `collection` ordered by `sortField` then `_id`, so pages stay stable
 * while documents are added. The sort field should lead an index.
 */
export async function paginate<D extends Document, N>(
  collection: Collection<D>,
  filter: Filter<D>,
  args: PageArgs,
  options: {
    sortField?: string;
    direction?: 1 | -1;
    toNode: (doc: D) => N;
    /** The filter's total when a figure kept with the data holds it: then the documents are not counted. */
    totalCount?: number;
  },
): Promise<Page<N>> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first: between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  const sortField = options.sortField ?? '_id';
  const direction = options.direction ?? 1;
  const op = direction === 1 ? '$gt' : '$lt';
  let pageFilter: Document = filter;
  if (args.after) {
    const { v, id } = decodeCursor(args.after);
    const afterPosition =
      sortField === '_id'
        ? { _id: { [op]: id } }
        : { $or: [{ [sortField]: { [op]: v } }, { [sortField]: v, _id: { [op]: id } }] };
    pageFilter = { $and: [filter, afterPosition] };
  }
  const sort: Sort = sortField === '_id' ? { _id: direction } : { [sortField]: direction, _id: direction };
  const [docs, totalCount] = await Promise.all([
    collection.find(pageFilter as Filter<D>, { sort, limit: first + 1 }).toArray(),
    options.totalCount ?? collection.countDocuments(filter),
  ]);
  const pageDocs = docs.slice(0, first) as D[];
  const edges = pageDocs.map((doc) => ({
    cursor: encodeCursor({ v: readPath(doc, sortField), id: doc._id }),
    node: options.toNode(doc),
  }));
  return {
    edges,
    pageInfo: { hasNextPage: docs.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}

/**
 * `paginate`'s page, its documents read once per change to `collection` (RememberedFigures), however
 * many callers ask for the same page in between; each caller gets its own nodes of them.
 */
export async function rememberedPage<D extends Document, N>(
  figures: RememberedFigures,
  collection: Collection<D>,
  filter: Filter<D>,
  args: PageArgs,
  options: { sortField?: string; direction?: 1 | -1; toNode: (doc: D) => N },
): Promise<Page<N>> {
  const { sortField, direction, toNode } = options;
  const { collectionName } = collection;
  const key = `page|${collectionName}|${EJSON.stringify({ filter, first: args.first, after: args.after, sortField, direction }, { relaxed: false })}`;
  const page = await figures.get(key, [collectionName], () =>
    paginate(collection, filter, args, { sortField, direction, toNode: (doc: D) => doc }),
  );
  return { ...page, edges: page.edges.map(({ cursor, node }) => ({ cursor, node: toNode(node) })) };
}

function readPath(doc: Document, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Document | undefined)?.[key], doc);
}
