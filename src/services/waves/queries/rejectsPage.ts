import { badInput } from '../../../errors';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  encodeCursor,
  MAX_PAGE_SIZE,
  type Page,
  type PageArgs,
} from '../../pagination';
import type { WaveReject } from '../model';

/** A page of the rejects kept on a wave (a bounded list, in line order): cursors are positions in it. */
export function rejectsPage(rejects: readonly WaveReject[], total: number, args: PageArgs): Page<WaveReject> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first: between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  const start = args.after ? Number(decodeCursor(args.after).id) + 1 : 0;
  if (!Number.isInteger(start) || start < 0) throw badInput('after: not a cursor returned by this connection', 'after');
  const edges = rejects.slice(start, start + first).map((node, offset) => ({
    cursor: encodeCursor({ v: start + offset, id: start + offset }),
    node,
  }));
  return {
    edges,
    pageInfo: { hasNextPage: start + first < rejects.length, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: total,
  };
}
