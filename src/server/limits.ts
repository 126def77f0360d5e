import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { Config } from '../config';
import { measureDocument } from './documentCost';

export interface QueryLimits {
  maxDepth: number;
  /** Also the most field selections a document may hold: each costs at least 1. */
  maxComplexity: number;
  maxQueryBytes: number;
  maxTokens: number;
  /** Of `{`, `[` and `(`: the parser recurses once per level, so this bounds its stack. */
  maxNesting: number;
}

export function queryLimitsOf(config: Config): QueryLimits {
  return {
    maxDepth: config.GRAPHQL_MAX_DEPTH,
    maxComplexity: config.GRAPHQL_MAX_COMPLEXITY,
    maxQueryBytes: config.GRAPHQL_MAX_QUERY_BYTES,
    maxTokens: config.GRAPHQL_MAX_TOKENS,
    maxNesting: config.GRAPHQL_MAX_NESTING,
  };
}

type LimitReason = 'QUERY_TOO_LARGE' | 'QUERY_TOO_MANY_TOKENS' | 'QUERY_TOO_DEEP' | 'QUERY_TOO_COMPLEX';

/**
 * Query limits reject with BAD_USER_INPUT (the client can fix its query), a `reason` naming the
 * limit, the limit, and the measured value when it was measured to the end.
 */
export function limitError(reason: LimitReason, message: string, limit: number, actual?: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: 'BAD_USER_INPUT',
      reason,
      limit,
      ...(actual === undefined ? {} : { actual }),
      http: { status: 400 },
    },
  });
}

const OPENING = new Set<TokenKind>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<TokenKind>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Checks the text before it is parsed: its size, then, token by token, their count and nesting.
 * Stops at the first limit passed, so its cost is bounded by the limits, not by the text. A
 * syntax error is left to the parser, which reports it with its position.
 */
export function checkQueryText(query: string, limits: QueryLimits): GraphQLError | null {
  const bytes = Buffer.byteLength(query, 'utf8');
  if (bytes > limits.maxQueryBytes) {
    return limitError(
      'QUERY_TOO_LARGE',
      `The query is ${bytes} bytes long; the limit is ${limits.maxQueryBytes}`,
      limits.maxQueryBytes,
      bytes,
    );
  }
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.maxTokens) {
        const message = `The query has more than ${limits.maxTokens} tokens (names, punctuation and values), the limit`;
        return limitError('QUERY_TOO_MANY_TOKENS', message, limits.maxTokens);
      }
      if (OPENING.has(token.kind) && ++nesting > limits.maxNesting) {
        const message = `The query nests braces, brackets or parentheses more than ${limits.maxNesting} levels deep`;
        return limitError('QUERY_TOO_DEEP', `${message}, the limit`, limits.maxNesting);
      }
      if (CLOSING.has(token.kind)) nesting--;
    }
  } catch (error) {
    if (error instanceof GraphQLError) return null;
    throw error;
  }
  return null;
}

const operationLabel = (operation: OperationDefinitionNode) => (operation.name ? `"${operation.name.value}" ` : '');

function depthError(operation: OperationDefinitionNode, depth: number, maxDepth: number): GraphQLError {
  const message = `The operation ${operationLabel(operation)}is ${depth} levels deep; the limit is ${maxDepth}`;
  return limitError('QUERY_TOO_DEEP', message, maxDepth, depth);
}

/**
 * Checks a parsed document before validation: how many fields it selects and how deep each
 * operation goes, fragments expanded. Validation's cost grows with the fields (faster than
 * linearly when names repeat), so this is what keeps a short text from costing seconds.
 */
export function checkDocumentCost(document: DocumentNode, limits: QueryLimits): GraphQLError | null {
  const { fields, operations } = measureDocument(document);
  if (fields > limits.maxComplexity) {
    const counted = `${fields} fields (every field, alias and __typename, fragments expanded)`;
    const message = `The query selects ${counted}; the limit is ${limits.maxComplexity}`;
    return limitError('QUERY_TOO_COMPLEX', message, limits.maxComplexity, fields);
  }
  const deep = operations.find(({ depth }) => depth > limits.maxDepth);
  return deep ? depthError(deep.operation, deep.depth, limits.maxDepth) : null;
}

/**
 * The depth limit as a validation rule, for a document that reaches validation by another way
 * than checkDocumentCost. It reports when the document is entered, so its error comes first.
 */
export function queryDepthRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext) => ({
    Document(document) {
      for (const { operation, depth } of measureDocument(document).operations) {
        if (depth > maxDepth) context.reportError(depthError(operation, depth, maxDepth));
      }
    },
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
 * The operation's estimated cost with its variables: 1 per field, a list field its selection
 * times `first`. Null when it cannot be estimated (no such operation, bad variables: execution
 * reports those precisely). Run after validation.
 */
export function queryComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): number | null {
  const operation = selectedOperation(document, operationName);
  if (!operation) return null;
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables: variables ?? {},
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
      // The library gives up past 10,000 nodes by default, which read as "no estimate" here and let
      // the largest queries through; checkDocumentCost has bounded the work before this runs.
      maxQueryNodes: Number.MAX_SAFE_INTEGER,
    });
  } catch {
    return null;
  }
}

/** The complexity error when an estimated `complexity` passes `maxComplexity`, else null. */
export function complexityError(complexity: number | null, maxComplexity: number): GraphQLError | null {
  if (complexity === null || complexity <= maxComplexity) return null;
  return limitError(
    'QUERY_TOO_COMPLEX',
    `The query's complexity is ${complexity}; the limit is ${maxComplexity}. Ask for fewer fields or smaller pages`,
    maxComplexity,
    complexity,
  );
}

/** A complexity error when the operation costs more than `maxComplexity`, else null. Run after validation. */
export function checkQueryComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  maxComplexity: number,
): GraphQLError | null {
  return complexityError(queryComplexity(schema, document, operationName, variables), maxComplexity);
}
