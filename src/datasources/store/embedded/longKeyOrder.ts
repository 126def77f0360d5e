import type { Document } from './bson';
import { encodeKey } from './keyCodec';
import { orderPrefix } from './longKeys';
import { valuesAtPath } from './paths';
import { keyLimitOf, type Plan } from './planner';
import type { SortPairs } from './values';
import type { StoredDocument } from './writes';

/**
 * An index orders values stored shortened (longKeys.ts) by their kept bytes, then by hash. So
 * where an index gives a sort, the documents whose sort values share kept bytes come out next
 * to each other but in no order: they are gathered and sorted whole here, everything else
 * passes straight through.
 */

/** What a document sorts by in the index up to its first value stored shortened, or undefined if none is. */
function shortenedSortPrefix(document: Document, sort: SortPairs, limit: number): string | undefined {
  const values = sort.map(([field]) => valuesAtPath(document, field).values[0]);
  const first = values.findIndex((value) => orderPrefix(value, limit) !== undefined);
  if (first === -1) return undefined;
  const parts = values.slice(0, first).map((value) => encodeKey(value));
  parts.push(orderPrefix(values[first], limit)!);
  return Buffer.concat(parts).toString('latin1');
}

/** The documents of an index scan in the sort's order, values stored shortened included. */
export function inSortOrder(
  results: Generator<StoredDocument>,
  plan: Plan,
  sort: SortPairs,
  sortKeyOf: (document: Document) => Buffer,
): Generator<StoredDocument> {
  if (sort.length === 0 || plan.stage !== 'IXSCAN') return results;
  const limit = keyLimitOf(plan.spec);
  return (function* reorder() {
    let group: StoredDocument[] = [];
    let groupPrefix: string | undefined;
    function* flush(): Generator<StoredDocument> {
      if (group.length > 1) {
        const keyed = group.map((stored) => ({ stored, key: sortKeyOf(stored.document) }));
        keyed.sort((a, b) => Buffer.compare(a.key, b.key));
        group = keyed.map(({ stored }) => stored);
      }
      yield* group;
      group = [];
    }
    for (const stored of results) {
      const prefix = shortenedSortPrefix(stored.document, sort, limit);
      if (prefix === undefined || prefix !== groupPrefix) yield* flush();
      groupPrefix = prefix;
      if (prefix === undefined) yield stored;
      else group.push(stored);
    }
    yield* flush();
  })();
}
