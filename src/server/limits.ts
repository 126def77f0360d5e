import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
}

/**
 * Depth and complexity limits reject with BAD_USER_INPUT (the client can fix its query) and a
 * `reason` of QUERY_TOO_DEEP or QUERY_TOO_COMPLEX, with the limit and the measured value.
 */
function limitError(reason: 'QUERY_TOO_DEEP' | 'QUERY_TOO_COMPLEX', message: string, limit: number, actual: number) {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', reason, limit, actual, http: { status: 400 } },
  });
}

function selectedOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/**
 * Field nesting depth of a selection set, following fragments. Introspection fields (`__schema`,
 * `__type`) are not counted: explorers send a standard introspection query deeper than any sane
 * limit, and its cost is bounded by the schema, not by the client.
 */
export function selectionDepth(
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  visiting: Set<string> = new Set(),
): number {
  if (!selectionSet) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + selectionDepth(selection.selectionSet, fragments, visiting));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, visiting));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A fragment cycle is a validation error reported by graphql itself; do not loop on it.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      deepest = Math.max(deepest, selectionDepth(fragment.selectionSet, fragments, visiting));
      visiting.delete(name);
    }
  }
  return deepest;
}

/**
 * A validation rule refusing operations nested deeper than `maxDepth`. It reports when the
 * document is entered, so its error comes first and a deep query is refused before the rest of
 * validation or any resolver spends time on it.
 */
export function queryDepthRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext) => ({
    Document(document) {
      const fragments = new Map(
        document.definitions
          .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
          .map((fragment) => [fragment.name.value, fragment]),
      );
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const depth = selectionDepth(definition.selectionSet, fragments);
        if (depth > maxDepth) {
          const name = definition.name ? `"${definition.name.value}" ` : '';
          context.reportError(
            limitError('QUERY_TOO_DEEP', `The operation ${name}is ${depth} levels deep; the limit is ${maxDepth}`, maxDepth, depth),
          );
        }
      }
    },
  });
}

/** A complexity error when the operation costs more than `maxComplexity`, else null. Run after validation. */
export function checkQueryComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  maxComplexity: number,
): GraphQLError | null {
  const operation = selectedOperation(document, operationName);
  if (!operation) return null;
  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables: variables ?? {},
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    // Bad variables make the estimate impossible; execution reports them with a precise error.
    return null;
  }
  if (complexity <= maxComplexity) return null;
  return limitError(
    'QUERY_TOO_COMPLEX',
    `The query's complexity is ${complexity}; the limit is ${maxComplexity}. Ask for fewer fields or smaller pages`,
    maxComplexity,
    complexity,
  );
}
