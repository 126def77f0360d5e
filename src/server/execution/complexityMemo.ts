import type { DocumentNode, GraphQLSchema } from 'graphql';
import { queryComplexity } from '../limits';
import { BoundedLru } from './boundedLru';
import { stableJson } from './documentKey';

/** Variable sets remembered per document: a dashboard sends a few (page sizes, ids) of each. */
const VARIABLE_SETS_PER_DOCUMENT = 64;

/**
 * The estimated cost of an operation (limits.ts), remembered per parsed document, operation
 * name and variables: it depends on nothing else, and estimating walks the whole document with
 * the schema on each request, for a dashboard page costing more than answering it from the
 * response cache. Apollo hands the same parsed document for the same text, and documents it
 * forgets take their figures with them.
 */
export class ComplexityMemo {
  private readonly byDocument = new WeakMap<DocumentNode, BoundedLru<string, number | null>>();

  estimate(
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null | undefined,
    variables: Record<string, unknown> | undefined,
  ): number | null {
    let figures = this.byDocument.get(document);
    if (!figures) {
      figures = new BoundedLru(VARIABLE_SETS_PER_DOCUMENT);
      this.byDocument.set(document, figures);
    }
    const key = `${operationName ?? ''}\n${stableJson(variables ?? {})}`;
    const known = figures.get(key);
    if (known !== undefined) return known;
    const estimated = queryComplexity(schema, document, operationName, variables);
    figures.set(key, estimated);
    return estimated;
  }
}
