import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { checkDocumentCost, checkQueryText, type QueryLimits } from './limits';

/**
 * Parses a query text within the query limits, before any validation, key look-up or resolver:
 * size, tokens and nesting on the text, then fields and depth on the document. Each step's cost
 * is bounded by the limit the step before checked, so a refusal costs well under 10 ms.
 */
export function admitQuery(query: string, limits: QueryLimits): DocumentNode | GraphQLError {
  const textError = checkQueryText(query, limits);
  if (textError) return textError;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.maxTokens });
  } catch (error) {
    return error instanceof GraphQLError ? error : new GraphQLError('The query could not be parsed');
  }
  return checkDocumentCost(document, limits) ?? document;
}
