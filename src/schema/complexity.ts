import type { ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '../services/pagination';

/**
 * Estimated cost of a connection field for GRAPHQL_MAX_COMPLEXITY: its selection once per node
 * of the page (`first`, or the default page size). Declare it on every list:
 * `@Query(() => FooConnection, { complexity: connectionComplexity })`, so that nesting pages in
 * pages is priced as the work it is.
 */
export function connectionComplexity({ args, childComplexity }: ComplexityEstimatorArgs): number {
  const first = typeof args.first === 'number' && args.first >= 0 ? args.first : DEFAULT_PAGE_SIZE;
  return 1 + Math.max(1, first) * childComplexity;
}
